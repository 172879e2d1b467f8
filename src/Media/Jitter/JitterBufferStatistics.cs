namespace Beryl.Media.Jitter;

/// <summary>
/// A snapshot of a <see cref="JitterBuffer"/>'s counters and delays. Every packet given to
/// <see cref="JitterBuffer.Insert"/> ends up in exactly one of: decoded, decode errors, duplicates, late, one of the
/// dropped counters, or still waiting (<see cref="BufferedPackets"/>, <see cref="QueuedPackets"/>).
/// </summary>
public readonly record struct JitterBufferStatistics
{
    /// <summary>Packets given to <see cref="JitterBuffer.Insert"/>.</summary>
    public long PacketsReceived { get; init; }

    /// <summary>Packets decoded into played audio.</summary>
    public long PacketsDecoded { get; init; }

    /// <summary>Packets that arrived a second time while the first copy was still held.</summary>
    public long Duplicates { get; init; }

    /// <summary>Packets that arrived after their playout time (including copies of packets already played); dropped.</summary>
    public long Late { get; init; }

    /// <summary>Packets dropped because the queue or the store was full.</summary>
    public long DroppedOverflow { get; init; }

    /// <summary>Packets dropped because their payload was larger than <see cref="JitterBufferOptions.MaxPayloadBytes"/>.</summary>
    public long DroppedOversized { get; init; }

    /// <summary>Packets dropped because they came from another SSRC while the current one was active.</summary>
    public long DroppedForeignSsrc { get; init; }

    /// <summary>Packets dropped because their payload type is not the decoder's (telephone-event, for example).</summary>
    public long DroppedWrongPayloadType { get; init; }

    /// <summary>Packets dropped because the decoder could not tell their length (empty or unparsable payloads).</summary>
    public long DroppedMalformed { get; init; }

    /// <summary>Packets dropped because their sequence number or timestamp was far off and no packet confirmed a restart.</summary>
    public long DroppedDiscontinuous { get; init; }

    /// <summary>Packets held when a reset threw them away.</summary>
    public long DroppedByReset { get; init; }

    /// <summary>Packets the decoder rejected as corrupt; their audio was concealed.</summary>
    public long DecodeErrors { get; init; }

    /// <summary>Packets never received by their playout time (sequence numbers skipped).</summary>
    public long Lost { get; init; }

    /// <summary>Frames (samples per channel) invented by concealment: losses, corrupt packets, underruns, timestamp gaps.</summary>
    public long ConcealedFrames { get; init; }

    /// <summary><see cref="ConcealedFrames"/> in milliseconds.</summary>
    public double ConcealedMs { get; init; }

    /// <summary>Frames rebuilt from the forward error correction carried by the following packet.</summary>
    public long FecRecoveredFrames { get; init; }

    /// <summary>Reads that found no audio at all and had to conceal (the buffer ran dry).</summary>
    public long Underruns { get; init; }

    /// <summary>The smoothed amount of audio waiting to be played, in milliseconds.</summary>
    public double CurrentDelayMs { get; init; }

    /// <summary>
    /// The delay the buffer steers towards: from the measured network delay spread, or while a stall is held (see
    /// <see cref="JitterBufferOptions.StallHoldMs"/>), the delay that stall showed was needed.
    /// </summary>
    public double TargetDelayMs { get; init; }

    /// <summary>Interarrival jitter (RFC 3550 section 6.4.1), in milliseconds.</summary>
    public double JitterMs { get; init; }

    /// <summary>Times the playout was shortened by about one pitch period (the buffer held too much).</summary>
    public long Accelerations { get; init; }

    /// <summary>Times the playout was stretched by about one pitch period (the buffer held too little).</summary>
    public long Expansions { get; init; }

    /// <summary>Times the buffer ran dry, waited for a late packet, and kept the delay it gained (see <see cref="JitterBufferOptions.StallHoldMs"/>).</summary>
    public long StallHolds { get; init; }

    /// <summary>Times the stream was restarted: SSRC change, timestamp jump, or a sender restarting its sequence.</summary>
    public long Resets { get; init; }

    /// <summary>The resets caused by another SSRC taking over a silent one.</summary>
    public long SsrcChanges { get; init; }

    /// <summary>Packets held in the store, waiting for their playout time.</summary>
    public int BufferedPackets { get; init; }

    /// <summary>Packets inserted but not yet taken over by the playout thread.</summary>
    public int QueuedPackets { get; init; }

    /// <summary>All packets dropped, whatever the reason (late and duplicates aside).</summary>
    public long Dropped => DroppedOverflow + DroppedOversized + DroppedForeignSsrc + DroppedWrongPayloadType
        + DroppedMalformed + DroppedDiscontinuous + DroppedByReset;
}
