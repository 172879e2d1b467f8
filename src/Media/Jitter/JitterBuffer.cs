using Beryl.Media.Codecs;
using Beryl.Media.Rtp;

namespace Beryl.Media.Jitter;

/// <summary>
/// An adaptive jitter buffer between the network thread, which hands it RTP packets, and the playout thread,
/// which pulls PCM at a steady pace. Packets cross over through a lock-free single-producer/single-consumer queue;
/// ordering, decoding, loss concealment, forward error correction and time stretching all happen on the playout
/// thread. The target delay follows a high quantile of the measured network delay spread; clock drift between
/// sender and receiver is absorbed by removing or repeating pitch periods. Neither side locks, allocates or reads a
/// clock: arrival times are passed in, and playout time is the audio read so far.
/// </summary>
/// <remarks>
/// One thread may call <see cref="Insert"/> and one other thread <see cref="Read"/> at the same time;
/// <see cref="GetStatistics"/> may be called from any thread. The decoder is used by the playout thread only and
/// is not disposed by the buffer.
/// </remarks>
public sealed partial class JitterBuffer
{
    private readonly IAudioDecoder _decoder;
    private readonly JitterBufferOptions _options;
    private readonly JitterPacketQueue _queue;
    private readonly int _payloadType;
    private readonly int _clockRate;
    private readonly int _sampleRate;
    private readonly int _channels;

    private long _received;
    private long _droppedQueueFull;
    private long _droppedOversized;

    private int _version;
    private PlayoutCounters _published;

    /// <summary>Creates a buffer feeding <paramref name="decoder"/> the packets of its payload type.</summary>
    /// <param name="decoder">Gives the PCM format, the RTP payload type and clock rate, and decodes on the playout thread.</param>
    /// <param name="options">Delays and capacities; the defaults when null.</param>
    /// <exception cref="ArgumentException">The decoder's format, clock rate or frame size, or an option, is out of range.</exception>
    public JitterBuffer(IAudioDecoder decoder, JitterBufferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        _options = options ?? new JitterBufferOptions();
        _options.Validate();
        decoder.Format.Validate();
        if (decoder.Codec.ClockRate is < 1000 or > 192_000)
            throw new ArgumentException($"Unsupported RTP clock rate {decoder.Codec.ClockRate} Hz.", nameof(decoder));
        if (decoder.MaxFrameSize < 1 || decoder.MaxFrameSize > decoder.Format.SampleRate)
            throw new ArgumentException($"Unsupported maximum frame size {decoder.MaxFrameSize}.", nameof(decoder));

        _decoder = decoder;
        _payloadType = decoder.Codec.PayloadType;
        _clockRate = decoder.Codec.ClockRate;
        _sampleRate = decoder.Format.SampleRate;
        _channels = decoder.Format.Channels;
        _queue = new JitterPacketQueue(_options.QueueCapacity, _options.MaxPayloadBytes);
        _store = new JitterPacketStore(_options.MaxPackets, _options.MaxPayloadBytes);
        _delays = new NetworkDelayEstimator(_options.DelayWindowPackets, _options.DelayQuantile);

        int minPeriod = _sampleRate / 400;      // 2.5 ms: 400 Hz, the highest voice pitch searched
        int maxPeriod = _sampleRate / 80;       // 12.5 ms: 80 Hz, the lowest
        int decimation = Math.Max(1, _sampleRate / 4000);
        _tenMs = decoder.Format.SamplesPer10Ms;
        _pcm = new PlayoutPcm(2 * decoder.MaxFrameSize + 4 * maxPeriod + 2 * _tenMs, _channels, minPeriod, maxPeriod, decimation);
        _sourceTimeoutFrames = (long)_options.SourceTimeoutMs * _sampleRate / 1000;
        _maxJumpTicks = (long)_options.MaxTimestampJumpMs * _clockRate / 1000;
        _targetMs = Math.Max(_options.MinTargetDelayMs, SafetyMs);
    }

    /// <summary>The rate of the PCM <see cref="Read"/> gives, the decoder's.</summary>
    public int SampleRate => _sampleRate;

    /// <summary>
    /// Playout thread: how many frames later than the sender's own timing the audio read so far plays (negative:
    /// earlier), from concealment while a late packet was awaited, time stretching and re-buffering; concealment of a
    /// lost packet does not count. A receiver that cancels the echo of what it sends in what it reads (a server's leg,
    /// whose microphone is the network) sees its echo path move by each change.
    /// </summary>
    public long PlayoutShiftFrames => _timeline.Shift;

    /// <summary>
    /// Network thread: hands over one RTP packet. The payload is copied into a queue slot; a payload larger than
    /// <see cref="JitterBufferOptions.MaxPayloadBytes"/>, or a full queue, drops the packet (counted). Never throws,
    /// locks or allocates.
    /// </summary>
    /// <param name="header">The parsed RTP header (sequence number, timestamp, SSRC, payload type are used).</param>
    /// <param name="payload">The payload, without header and padding.</param>
    /// <param name="arrivalTimeMicroseconds">When the packet arrived, on any steady clock (only differences matter).</param>
    public void Insert(in RtpHeader header, ReadOnlySpan<byte> payload, long arrivalTimeMicroseconds)
    {
        Interlocked.Increment(ref _received);
        if (payload.Length > _options.MaxPayloadBytes)
        {
            Interlocked.Increment(ref _droppedOversized);
            return;
        }
        if (!_queue.TryWrite(header.SequenceNumber, header.Timestamp, header.Ssrc, header.PayloadType, payload, arrivalTimeMicroseconds))
            Interlocked.Increment(ref _droppedQueueFull);
    }

    /// <summary>
    /// A consistent snapshot of the counters: the playout thread's as of its last <see cref="Read"/>, the network
    /// thread's as of now. Any thread; never blocks the audio threads.
    /// </summary>
    public JitterBufferStatistics GetStatistics()
    {
        PlayoutCounters c;
        var spin = new SpinWait();
        while (true)
        {
            int before = Volatile.Read(ref _version);
            if ((before & 1) == 0)
            {
                c = _published;
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _version) == before)
                    break;
            }
            spin.SpinOnce();
        }

        return new JitterBufferStatistics
        {
            PacketsReceived = Volatile.Read(ref _received),
            DroppedOverflow = Volatile.Read(ref _droppedQueueFull),
            DroppedOversized = Volatile.Read(ref _droppedOversized),
            QueuedPackets = _queue.Count,
            PacketsDecoded = c.PacketsDecoded,
            Duplicates = c.Duplicates,
            Late = c.Late,
            DroppedForeignSsrc = c.DroppedForeignSsrc,
            DroppedWrongPayloadType = c.DroppedWrongPayloadType,
            DroppedMalformed = c.DroppedMalformed,
            DroppedDiscontinuous = c.DroppedDiscontinuous,
            DroppedByReset = c.DroppedByReset,
            DecodeErrors = c.DecodeErrors,
            Lost = c.Lost,
            ConcealedFrames = c.ConcealedFrames,
            ConcealedMs = c.ConcealedFrames * 1000.0 / _sampleRate,
            FecRecoveredFrames = c.FecRecoveredFrames,
            Underruns = c.Underruns,
            CurrentDelayMs = c.CurrentDelayMs,
            TargetDelayMs = c.TargetDelayMs,
            JitterMs = c.JitterMs,
            Accelerations = c.Accelerations,
            Expansions = c.Expansions,
            StallHolds = c.StallHolds,
            Resets = c.Resets,
            SsrcChanges = c.SsrcChanges,
            BufferedPackets = c.BufferedPackets,
        };
    }

    // Seqlock writer: odd version while the copy is in progress; the increment is a full fence.
    private void Publish()
    {
        _counters.BufferedPackets = _store.Count;
        _counters.CurrentDelayMs = _filteredLevelMs;
        _counters.TargetDelayMs = EffectiveTargetMs();
        _counters.JitterMs = _delays.JitterMicroseconds / 1000.0;
        Interlocked.Increment(ref _version);
        _published = _counters;
        Volatile.Write(ref _version, _version + 1);
    }

    /// <summary>The playout thread's counters, published as one block.</summary>
    private struct PlayoutCounters
    {
        public long PacketsDecoded, Duplicates, Late, DroppedForeignSsrc, DroppedWrongPayloadType, DroppedMalformed;
        public long DroppedDiscontinuous, DroppedByReset, DecodeErrors, Lost, ConcealedFrames, FecRecoveredFrames;
        public long Underruns, Accelerations, Expansions, Resets, SsrcChanges, StallHolds;
        public int BufferedPackets;
        public double CurrentDelayMs, TargetDelayMs, JitterMs;
    }
}
