namespace Beryl.Media.Jitter;

public sealed partial class JitterBuffer
{
    // Extended sequence numbers and timestamps start this far from zero so that stepping back never goes negative.
    private const long ExtendedOrigin = 1L << 33;

    // Sequence numbers this far behind playout are a restarted sender, not a reordered packet (RFC 3550 A.1).
    private const int MaxMisorder = 100;

    // Headroom above the measured delay spread: half a read of phase between arrivals and reads, plus margin.
    private const double SafetyMs = 15;

    // The level is steered by its average; 1/32 per read is a time constant of about a third of a second at 10 ms.
    private const double LevelSmoothing = 1.0 / 32;

    // An acceleration waits this many reads for a quiet stretch of audio before it cuts into a loud one.
    private const int MaxAccelerationWait = 5;
    private const double FarAboveTargetMs = 100;

    // A stream's first seconds are its worst (the sender and the path warm up): a stall then is not held.
    private const double StallHoldStartMs = 2000;

    private readonly JitterPacketStore _store;
    private readonly NetworkDelayEstimator _delays;
    private readonly PlayoutPcm _pcm;
    private readonly int _tenMs;
    private readonly long _sourceTimeoutFrames;
    private readonly long _maxJumpTicks;

    private PlayoutCounters _counters;
    private PlayoutState _state;
    private uint _ssrc;
    private bool _anchored;           // whether _nextSequence is a real playout position (something has been played)
    private long _nextSequence;
    private long _nextTimestamp;      // RTP time of the next audio to decode
    private long _stretchTicks;       // audio invented by underruns while waiting for _nextSequence
    private bool _fecArmed;           // the packet at _nextSequence follows a loss and may carry its audio
    private long _playedFrames;
    private long _lastPacketFrame;
    private long _stallFrames;
    private bool _hasCandidate;
    private ushort _candidateSequence;
    private uint _candidateTimestamp;
    private double _packetMs = 20;
    private double _targetMs;
    private double _targetBeforeStallMs;
    private double _heldTargetMs;
    private long _holdUntilFrame;
    private long _playingSinceFrame;
    private double _filteredLevelMs;
    private double _energy;
    private int _accelerationWait;
    private PlayoutTimeline _timeline;

    private enum PlayoutState
    {
        Idle,
        Buffering,
        Playing,
    }

    /// <summary>
    /// Playout thread: fills the whole of <paramref name="pcm"/> (interleaved, normally 10 ms at the decoder's rate)
    /// with the next audio: decoded packets, concealment, or silence before the stream starts. Samples beyond a
    /// whole number of frames are zeroed. Never throws, locks or allocates.
    /// </summary>
    /// <param name="pcm">Where to write the audio.</param>
    public void Read(Span<float> pcm)
    {
        Drain();
        int frames = pcm.Length / _channels;
        pcm[(frames * _channels)..].Clear();
        if (_state == PlayoutState.Buffering)
            TryStartPlayout(frames);
        if (_state == PlayoutState.Playing)
            Regulate(frames);

        int written = 0;
        bool underrun = false;
        while (written < frames)
        {
            if (_pcm.Frames > 0)
            {
                int taken = _pcm.Take(pcm[(written * _channels)..(frames * _channels)]);
                written += taken;
                _timeline.Advance(taken);
                continue;
            }
            if (_state != PlayoutState.Playing)
            {
                pcm[(written * _channels)..].Clear();
                _timeline.Advance(frames - written);
                break;
            }
            underrun |= Produce();
        }

        if (underrun)
            _counters.Underruns++;
        if (_state == PlayoutState.Playing)
            _energy += (PlayoutPcm.MeanSquare(pcm) - _energy) * LevelSmoothing;
        _playedFrames += frames;
        Publish();
    }

    private void Drain()
    {
        while (_queue.TryPeek(out QueuedPacket packet, out ReadOnlySpan<byte> payload))
        {
            Accept(packet, payload);
            _queue.Advance();
        }
    }

    private void Accept(in QueuedPacket packet, ReadOnlySpan<byte> payload)
    {
        if (packet.PayloadType != _payloadType)
        {
            _counters.DroppedWrongPayloadType++;
            return;
        }
        int frames = payload.IsEmpty ? -1 : _decoder.GetFrameCount(payload);
        if (frames <= 0 || frames > _decoder.MaxFrameSize)
        {
            _counters.DroppedMalformed++;
            return;
        }

        if (_state == PlayoutState.Idle)
        {
            _ssrc = packet.Ssrc;
            Begin(packet);
        }
        else if (packet.Ssrc != _ssrc)
        {
            if (_playedFrames - _lastPacketFrame < _sourceTimeoutFrames)
            {
                _counters.DroppedForeignSsrc++;
                return;
            }
            _counters.SsrcChanges++;
            _counters.Resets++;
            _ssrc = packet.Ssrc;
            Begin(packet);
        }
        _lastPacketFrame = _playedFrames;

        long sequence = _nextSequence + (short)(packet.SequenceNumber - (ushort)_nextSequence);
        long timestamp = _nextTimestamp + (int)(packet.Timestamp - (uint)_nextTimestamp);
        long ahead = sequence - _nextSequence;
        if (ahead >= _store.Capacity || ahead < -MaxMisorder || Math.Abs(timestamp - _nextTimestamp - _stretchTicks) > _maxJumpTicks)
        {
            if (!IsConfirmedRestart(packet))
                return;
            _counters.Resets++;
            Begin(packet);
            sequence = _nextSequence;
            timestamp = _nextTimestamp;
        }

        if (sequence < _nextSequence)
        {
            if (_anchored || !_store.TryGetNewest(out long newest, out _, out _) || newest - sequence >= _store.Capacity)
            {
                _counters.Late++;
                AddDelay(packet.ArrivalMicroseconds, timestamp);
                return;
            }
            _nextSequence = sequence;
            _nextTimestamp = timestamp;
        }

        if (!_store.TryAdd(sequence, timestamp, frames, payload))
        {
            _counters.Duplicates++;
            return;
        }
        AddDelay(packet.ArrivalMicroseconds, timestamp);
        _packetMs = frames * 1000.0 / _sampleRate;
    }

    // A packet far from the stream is dropped, unless it directly follows the previous such packet: two in a row
    // are a sender that restarted (new sequence or timestamp base), one alone is garbage or a stray.
    private bool IsConfirmedRestart(in QueuedPacket packet)
    {
        bool confirmed = _hasCandidate
            && packet.SequenceNumber == (ushort)(_candidateSequence + 1)
            && packet.Timestamp - _candidateTimestamp <= (uint)(_clockRate / 2);
        _hasCandidate = !confirmed;
        _candidateSequence = packet.SequenceNumber;
        _candidateTimestamp = packet.Timestamp;
        if (!confirmed)
            _counters.DroppedDiscontinuous++;
        return confirmed;
    }

    // Starts a new stream at this packet: everything held from the old one is thrown away.
    private void Begin(in QueuedPacket packet)
    {
        _counters.DroppedByReset += _store.Clear();
        _pcm.Clear();
        _delays.Reset();
        _state = PlayoutState.Buffering;
        _anchored = false;
        _hasCandidate = false;
        _nextSequence = ExtendedOrigin + packet.SequenceNumber;
        _nextTimestamp = ExtendedOrigin + packet.Timestamp;
        _stretchTicks = 0;
        _stallFrames = 0;
        _fecArmed = false;
        _timeline.Restart();
    }

    // The packets that reach a buffer waiting out a stall short enough to be held measure that stall, which the hold
    // covers: counted in the delay spread too, they would raise the target over the level the wait left, and the buffer
    // would stretch up to it, then play the surplus back down as they leave the window, moving the playout each time.
    private void AddDelay(long arrivalMicroseconds, long timestamp)
    {
        if (_stretchTicks > 0 && TicksToMs(_stretchTicks) <= FarAboveTargetMs && HoldsStalls())
            return;
        _delays.Add(arrivalMicroseconds - (long)((timestamp - ExtendedOrigin) * 1_000_000.0 / _clockRate));
    }

    private void UpdateTarget()
    {
        double spreadMs = _delays.SpreadMicroseconds() / 1000.0;
        _targetMs = Math.Clamp(spreadMs + _packetMs / 2 + SafetyMs, _options.MinTargetDelayMs, _options.MaxTargetDelayMs);
    }

    // Buffering: wait until the held audio covers the target (plus the sawtooth of packet arrivals), then play
    // from the first packet held.
    private void TryStartPlayout(int readFrames)
    {
        UpdateTarget();
        if (!_store.TryFindFirst(_nextSequence, out long first) || !_store.TryGetNewest(out long newest, out long newestTs, out int newestFrames))
            return;
        _store.TryGet(first, out long firstTs, out _, out _);
        double spanMs = TicksToMs(newestTs + FramesToTicks(newestFrames) - firstTs);
        // Whole packets arrive while reads take a little at a time: the level saw-tooths, averaging half a
        // packet (less one read) below its peak. Start once that average reaches the target.
        double readMs = readFrames * 1000.0 / _sampleRate;
        double sawtoothMs = Math.Max(0, _packetMs - readMs) / 2;
        if (spanMs - sawtoothMs < _targetMs && newest - first < _store.Capacity / 2)
            return;

        if (_anchored)
            _counters.Lost += first - _nextSequence;
        _nextSequence = first;
        _nextTimestamp = firstTs;
        _anchored = true;
        _stretchTicks = 0;
        _stallFrames = 0;
        _fecArmed = false;
        _filteredLevelMs = spanMs - sawtoothMs;
        _accelerationWait = 0;
        _holdUntilFrame = 0;
        _playingSinceFrame = _playedFrames;
        _state = PlayoutState.Playing;
    }

    private double LevelMs()
    {
        double level = _pcm.Frames * 1000.0 / _sampleRate;
        if (_store.TryGetNewest(out _, out long newestTs, out int newestFrames))
            level += Math.Max(0, TicksToMs(newestTs + FramesToTicks(newestFrames) - _nextTimestamp - _stretchTicks));
        return level;
    }

    // Steers the smoothed level into [target − 5 ms, target + packet + 5 ms]: the band is a packet wide so that
    // the sawtooth of whole packets arriving never triggers a stretch on a clean stream.
    private void Regulate(int readFrames)
    {
        UpdateTarget();
        _filteredLevelMs += (LevelMs() - _filteredLevelMs) * LevelSmoothing;
        double upper = EffectiveTargetMs() + _packetMs + 5;
        double lower = _targetMs - 5;

        if (_filteredLevelMs > upper)
        {
            DecodeAhead(readFrames + 2 * _pcm.MaxPeriod);
            int period = _pcm.FindPeriod();
            if (period == 0)
                return;
            bool quiet = _pcm.MeanSquare(2 * period) <= 0.5f * _energy;
            // Far above the target (a burst has passed) the delay comes down at every read, talk or not.
            bool farAbove = _filteredLevelMs > upper + FarAboveTargetMs;
            if (!quiet && !farAbove && ++_accelerationWait < MaxAccelerationWait)
                return;
            _pcm.RemovePeriod(period);
            _counters.Accelerations++;
            _accelerationWait = 0;
            _filteredLevelMs -= period * 1000.0 / _sampleRate;
        }
        else if (_filteredLevelMs < lower)
        {
            _accelerationWait = 0;
            DecodeAhead(2 * _pcm.MaxPeriod);
            int period = _pcm.FindPeriod();
            if (period == 0 || _pcm.Frames + period > _pcm.CapacityFrames)
                return;
            _pcm.InsertPeriod(period);
            _counters.Expansions++;
            _filteredLevelMs += period * 1000.0 / _sampleRate;
        }
        else
        {
            _accelerationWait = 0;
        }
    }

    // The delay the buffer aims to come down to: the target, or while a stall is held, what the stall showed was needed.
    private double EffectiveTargetMs() => Holding ? Math.Max(_targetMs, _heldTargetMs) : _targetMs;

    private bool Holding => _playedFrames < _holdUntilFrame;

    // The buffer ran dry and waited for a late packet, which has come with what the stall held up: the stall (a network
    // path, or the machine itself, pausing) tends to come again, and playing the wait back down would move the playout
    // a pitch period at a time for seconds, each move a stretch a listener may hear and an echo path a canceller
    // downstream loses. The level the wait left (up to FarAboveTargetMs over the target) is kept for StallHoldMs;
    // another stall extends the hold.
    private void HoldStall()
    {
        if (!HoldsStalls())
            return;
        double held = Math.Min(LevelMs() - _packetMs / 2, _targetBeforeStallMs + FarAboveTargetMs);
        _heldTargetMs = Holding ? Math.Max(_heldTargetMs, held) : held;
        _holdUntilFrame = _playedFrames + (long)_options.StallHoldMs * _sampleRate / 1000;
        _counters.StallHolds++;
    }

    private bool HoldsStalls() =>
        _options.StallHoldMs > 0 && _state == PlayoutState.Playing && (_playedFrames - _playingSinceFrame) * 1000.0 / _sampleRate >= StallHoldStartMs;

    // Decodes packets that follow on without a gap until the PCM holds the frames a stretch needs.
    private void DecodeAhead(int frames)
    {
        frames = Math.Min(frames, _pcm.CapacityFrames - _decoder.MaxFrameSize);
        while (_pcm.Frames < frames
            && _store.TryGet(_nextSequence, out long timestamp, out int packetFrames, out ReadOnlySpan<byte> payload)
            && timestamp - _nextTimestamp - _stretchTicks <= 0)
        {
            DecodePacket(timestamp, packetFrames, payload);
        }
    }

    /// <summary>Adds audio to the PCM: the next packet, the gap before it, or concealment. Returns whether it ran dry.</summary>
    private bool Produce()
    {
        if (_store.TryGet(_nextSequence, out long timestamp, out int frames, out ReadOnlySpan<byte> payload))
        {
            long gap = timestamp - _nextTimestamp - _stretchTicks;
            if (gap <= 0)
                DecodePacket(timestamp, frames, payload);
            else
                FillGap(TicksToFrames(gap), frames, payload);
            return false;
        }

        if (_store.TryFindFirst(_nextSequence + 1, out long later))
        {
            // The next packet's playout time has come and a later one is here: it is lost.
            _counters.Lost += later - _nextSequence;
            _nextSequence = later;
            _fecArmed = true;
            return false;
        }

        Conceal(_tenMs);
        if (_stretchTicks == 0) _targetBeforeStallMs = _targetMs;
        _stretchTicks += FramesToTicks(_tenMs);
        _stallFrames += _tenMs;
        if (_stallFrames >= _sourceTimeoutFrames)
            _state = PlayoutState.Buffering;
        return true;
    }

    private void DecodePacket(long timestamp, int frames, ReadOnlySpan<byte> payload)
    {
        _timeline.Decoding((timestamp - ExtendedOrigin) * _sampleRate / _clockRate, _pcm.Frames);
        Span<float> destination = _pcm.GetWriteSpan(_decoder.MaxFrameSize);
        int decoded = _decoder.Decode(payload, destination);
        if (decoded < 0 || decoded > _decoder.MaxFrameSize)
        {
            _counters.DecodeErrors++;
            Conceal(frames);
            decoded = frames;
        }
        else
        {
            _counters.PacketsDecoded++;
            _pcm.Commit(decoded);
        }
        _store.Remove(_nextSequence);
        _nextSequence++;
        _nextTimestamp = timestamp + FramesToTicks(decoded);
        bool waited = _stretchTicks > 0;
        _stretchTicks = 0;
        _stallFrames = 0;
        _fecArmed = false;
        if (waited) HoldStall();
    }

    // The audio missing before the next packet: concealment, with the last part rebuilt from the packet's
    // forward error correction when it follows a loss and the decoder supports it.
    private void FillGap(long gapFrames, int nextFrames, ReadOnlySpan<byte> nextPayload)
    {
        bool fec = _fecArmed && _decoder.SupportsFec;
        if (fec && gapFrames <= nextFrames)
        {
            _fecArmed = false;
            int count = (int)gapFrames;
            int recovered = _decoder.DecodeFec(nextPayload, _pcm.GetWriteSpan(count));
            if (recovered == count)
            {
                _pcm.Commit(count);
                _counters.FecRecoveredFrames += count;
                _nextTimestamp += FramesToTicks(count);
                return;
            }
        }

        long chunk = Math.Min(gapFrames, _tenMs);
        if (fec && gapFrames > nextFrames)
            chunk = Math.Min(chunk, gapFrames - nextFrames);
        Conceal((int)chunk);
        _nextTimestamp += FramesToTicks((int)chunk);
    }

    private void Conceal(int frames)
    {
        Span<float> destination = _pcm.GetWriteSpan(frames);
        if (_decoder.Conceal(destination) != frames)
            destination.Clear();
        _pcm.Commit(frames);
        _counters.ConcealedFrames += frames;
    }

    private long FramesToTicks(int frames) => (long)frames * _clockRate / _sampleRate;

    private long TicksToFrames(long ticks) => Math.Max(1, ticks * _sampleRate / _clockRate);

    private double TicksToMs(long ticks) => ticks * 1000.0 / _clockRate;
}
