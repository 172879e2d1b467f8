namespace Beryl.Media.Jitter;

/// <summary>Configuration of a <see cref="JitterBuffer"/>. The defaults suit a voice call with 10..60 ms packets.</summary>
public sealed record JitterBufferOptions
{
    /// <summary>The lowest playout delay the buffer aims for, in milliseconds.</summary>
    public int MinTargetDelayMs { get; init; } = 20;

    /// <summary>The highest playout delay the buffer aims for, in milliseconds, however bad the jitter.</summary>
    public int MaxTargetDelayMs { get; init; } = 400;

    /// <summary>Packets held for ordering (the store never grows); a packet further ahead of playout is dropped.</summary>
    public int MaxPackets { get; init; } = 128;

    /// <summary>Slots of the queue from the network thread to the playout thread; a packet finding it full is dropped.</summary>
    public int QueueCapacity { get; init; } = 64;

    /// <summary>The largest payload kept, in bytes; larger payloads are dropped and counted.</summary>
    public int MaxPayloadBytes { get; init; } = 1500;

    /// <summary>The share of packets whose network delay the target must cover (0.5..1): higher means fewer late packets, more delay.</summary>
    public double DelayQuantile { get; init; } = 0.98;

    /// <summary>How many recent packets the delay quantile is taken over; a shorter window forgets past jitter sooner.</summary>
    public int DelayWindowPackets { get; init; } = 250;

    /// <summary>
    /// How long (ms) the buffer keeps the delay it gained by running dry and waiting for a late packet, instead of
    /// playing it back down: a stall tends to come again, and each change of the playout delay is a stretch a listener
    /// may hear and moves the echo path for a canceller downstream. Up to 100 ms over the target is held (a longer
    /// wait raises the target through the delay spread, as any late burst does); another stall extends the hold; 0
    /// plays the delay back down at once. Stalls in the first two seconds of a stream (a sender warming up) are not held.
    /// </summary>
    public int StallHoldMs { get; init; } = 30_000;

    /// <summary>Playout time without a packet after which the source counts as gone: another SSRC may take over, playout re-buffers.</summary>
    public int SourceTimeoutMs { get; init; } = 1000;

    /// <summary>A timestamp this far (ms) from the expected one is a discontinuity: confirmed by the next packet, it restarts the stream.</summary>
    public int MaxTimestampJumpMs { get; init; } = 5000;

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    internal void Validate()
    {
        if (MinTargetDelayMs < 0 || MaxTargetDelayMs < MinTargetDelayMs || MaxTargetDelayMs > 10_000)
            throw new ArgumentException($"Target delay range {MinTargetDelayMs}..{MaxTargetDelayMs} ms is invalid.");
        if (MaxPackets is < 4 or > 4096)
            throw new ArgumentException($"MaxPackets must be 4..4096 (got {MaxPackets}).");
        if (QueueCapacity is < 2 or > 4096)
            throw new ArgumentException($"QueueCapacity must be 2..4096 (got {QueueCapacity}).");
        if (MaxPayloadBytes is < 1 or > 65_536)
            throw new ArgumentException($"MaxPayloadBytes must be 1..65536 (got {MaxPayloadBytes}).");
        if (!(DelayQuantile is >= 0.5 and <= 1.0))
            throw new ArgumentException($"DelayQuantile must be 0.5..1 (got {DelayQuantile}).");
        if (DelayWindowPackets is < 8 or > 10_000)
            throw new ArgumentException($"DelayWindowPackets must be 8..10000 (got {DelayWindowPackets}).");
        if (StallHoldMs is < 0 or > 600_000)
            throw new ArgumentException($"StallHoldMs must be 0..600000 (got {StallHoldMs}).");
        if (SourceTimeoutMs < 10 || MaxTimestampJumpMs < 100)
            throw new ArgumentException("SourceTimeoutMs must be at least 10 and MaxTimestampJumpMs at least 100.");
    }
}
