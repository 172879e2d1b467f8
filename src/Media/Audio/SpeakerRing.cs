using System.Numerics;

namespace Beryl.Media.Audio;

/// <summary>
/// Hands mono samples from one writer thread to one reader thread without locks. Samples are indexed by
/// their absolute position in the stream: the writer appends at <c>written</c>, the reader takes positions
/// from <c>read</c> on. The writer publishes its position after copying (release), the reader publishes
/// its position after copying out, so neither side ever touches a slot the other may be using.
/// </summary>
internal sealed class SpeakerRing
{
    private readonly float[] _buffer;
    private readonly int _mask;
    private long _written;
    private long _read;
    private long _overruns;
    private long _dropped;

    /// <summary>Creates a ring holding at least <paramref name="minCapacity"/> samples (rounded up to a power of two).</summary>
    public SpeakerRing(int minCapacity)
    {
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(minCapacity, 2));
        _buffer = new float[capacity];
        _mask = capacity - 1;
    }

    /// <summary>How far the writer may run ahead of the reader, in samples.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Samples written so far, including the late ones that were skipped.</summary>
    public long Written => Volatile.Read(ref _written);

    /// <summary>Writes that did not fit entirely because the reader was a whole ring behind.</summary>
    public long Overruns => Volatile.Read(ref _overruns);

    /// <summary>Samples the writer handed over that were never played: too late (already read as silence) or beyond a full ring.</summary>
    public long DroppedSamples => Volatile.Read(ref _dropped);

    /// <summary>
    /// Writer thread: appends <paramref name="samples"/>. Samples at positions the reader has already passed
    /// are skipped (they were played as silence); samples that do not fit are dropped and the write is
    /// counted as an overrun, so the next write continues where this one stopped.
    /// </summary>
    public void Write(ReadOnlySpan<float> samples)
    {
        long w = _written;
        long r = Volatile.Read(ref _read);
        long dropped = 0;
        if (w < r)
        {
            int late = (int)Math.Min(r - w, samples.Length);
            samples = samples[late..];
            w += late;
            dropped += late;
        }

        long free = _buffer.Length - (w - r);
        if (samples.Length > free)
        {
            dropped += samples.Length - free;
            samples = samples[..(int)free];
            Volatile.Write(ref _overruns, _overruns + 1);
        }

        int start = (int)(w & _mask);
        int first = Math.Min(samples.Length, _buffer.Length - start);
        samples[..first].CopyTo(_buffer.AsSpan(start));
        samples[first..].CopyTo(_buffer);
        if (dropped != 0)
            Volatile.Write(ref _dropped, _dropped + dropped);
        Volatile.Write(ref _written, w + samples.Length);
    }

    /// <summary>
    /// Reader thread: copies the samples at positions [<paramref name="position"/>, +destination length) into
    /// <paramref name="destination"/>, with silence for those not written yet, then releases them to the writer.
    /// Positions must be asked for in order. Returns how many were missing.
    /// </summary>
    public int Read(long position, Span<float> destination)
    {
        long available = Volatile.Read(ref _written) - position;
        int present = (int)Math.Clamp(available, 0, destination.Length);
        int start = (int)(position & _mask);
        int first = Math.Min(present, _buffer.Length - start);
        _buffer.AsSpan(start, first).CopyTo(destination);
        _buffer.AsSpan(0, present - first).CopyTo(destination[first..]);
        destination[present..].Clear();
        Volatile.Write(ref _read, position + destination.Length);
        return destination.Length - present;
    }
}
