namespace Beryl.Aec.Realtime;

/// <summary>
/// Lock-free single-producer/single-consumer queue of fixed-size audio frames. Each slot carries the
/// stream position of its first sample, so frames dropped on overflow leave a visible gap and the
/// consumer keeps its time line instead of silently sliding. No allocation after construction.
/// </summary>
internal sealed class SpscFrameQueue
{
    private readonly float[] _samples;
    private readonly long[] _positions;
    private readonly int _slots;
    private long _head;     // next slot the producer writes; written by the producer only
    private long _tail;     // next slot the consumer reads; written by the consumer only
    private long _producedSamples, _pendingPosition;
    private long _dropped;

    public SpscFrameQueue(int frameSamples, int slots)
    {
        if (frameSamples <= 0) throw new ArgumentOutOfRangeException(nameof(frameSamples));
        if (slots < 2) throw new ArgumentOutOfRangeException(nameof(slots));
        FrameSamples = frameSamples;
        _slots = slots;
        _samples = new float[frameSamples * slots];
        _positions = new long[slots];
    }

    /// <summary>Samples (all channels) in one frame.</summary>
    public int FrameSamples { get; }

    /// <summary>Frames the producer had to drop because the queue was full.</summary>
    public long DroppedFrames => Volatile.Read(ref _dropped);

    /// <summary>Producer side: enqueues one frame, or drops it (counted) when the queue is full.</summary>
    public bool TryWrite(ReadOnlySpan<float> frame)
    {
        if (!TryBeginWrite(frame.Length, out var slot)) return false;
        frame.CopyTo(slot);
        EndWrite();
        return true;
    }

    /// <summary>Producer side, 16-bit input: converts to float while copying into the slot.</summary>
    public bool TryWrite(ReadOnlySpan<short> frame)
    {
        if (!TryBeginWrite(frame.Length, out var slot)) return false;
        for (int i = 0; i < slot.Length; i++) slot[i] = frame[i] * (1f / 32768f);
        EndWrite();
        return true;
    }

    // The stream position advances for every frame offered, so a dropped one leaves its gap.
    private bool TryBeginWrite(int length, out Span<float> slot)
    {
        _pendingPosition = _producedSamples;
        _producedSamples += length;
        if (_head - Volatile.Read(ref _tail) >= _slots)
        {
            Interlocked.Increment(ref _dropped);
            slot = default;
            return false;
        }
        slot = _samples.AsSpan((int)(_head % _slots) * FrameSamples, FrameSamples);
        return true;
    }

    private void EndWrite()
    {
        _positions[(int)(_head % _slots)] = _pendingPosition;
        Volatile.Write(ref _head, _head + 1);
    }

    /// <summary>Consumer side: the oldest frame and its stream position, without removing it.</summary>
    public bool TryPeek(out ReadOnlySpan<float> frame, out long position)
    {
        long tail = _tail;
        if (tail >= Volatile.Read(ref _head))
        {
            frame = default;
            position = 0;
            return false;
        }
        int slot = (int)(tail % _slots);
        frame = _samples.AsSpan(slot * FrameSamples, FrameSamples);
        position = _positions[slot];
        return true;
    }

    /// <summary>Consumer side: releases the frame returned by <see cref="TryPeek"/>.</summary>
    public void Advance() => Volatile.Write(ref _tail, _tail + 1);
}
