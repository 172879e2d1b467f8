namespace Beryl.Media.Jitter;

/// <summary>
/// Decoded PCM waiting to be played, with the time-scale modification that keeps the jitter buffer at its
/// target: removing or repeating one pitch period with a linear crossfade (a single-segment WSOLA). The pitch is
/// searched on a decimated mono copy, so the work per call is bounded by a few thousand multiply-adds.
/// Playout thread only; no allocation after construction.
/// </summary>
internal sealed class PlayoutPcm
{
    private readonly float[] _samples;
    private readonly float[] _decimated;
    private readonly int _channels;
    private readonly int _decimation;
    private int _start;
    private int _end;

    /// <param name="capacityFrames">Frames the buffer can hold.</param>
    /// <param name="channels">Interleaved channels.</param>
    /// <param name="minPeriod">Shortest pitch period searched, in frames (also the correlation window).</param>
    /// <param name="maxPeriod">Longest pitch period searched, in frames.</param>
    /// <param name="decimation">Frames averaged into one sample of the pitch search.</param>
    public PlayoutPcm(int capacityFrames, int channels, int minPeriod, int maxPeriod, int decimation)
    {
        _samples = new float[capacityFrames * channels];
        _channels = channels;
        MinPeriod = minPeriod;
        MaxPeriod = maxPeriod;
        _decimation = decimation;
        _decimated = new float[2 * maxPeriod / decimation + 1];
    }

    /// <summary>Frames waiting.</summary>
    public int Frames => (_end - _start) / _channels;

    /// <summary>Frames the buffer can hold.</summary>
    public int CapacityFrames => _samples.Length / _channels;

    /// <summary>Shortest period (frames) a stretch removes or inserts.</summary>
    public int MinPeriod { get; }

    /// <summary>Longest period (frames) a stretch removes or inserts.</summary>
    public int MaxPeriod { get; }

    /// <summary>Room for <paramref name="frames"/> more frames after the waiting ones; fill it, then <see cref="Commit"/>.</summary>
    public Span<float> GetWriteSpan(int frames)
    {
        if (_end + frames * _channels > _samples.Length)
            Compact();
        return _samples.AsSpan(_end, frames * _channels);
    }

    /// <summary>Adds <paramref name="frames"/> frames written through <see cref="GetWriteSpan"/>.</summary>
    public void Commit(int frames) => _end += frames * _channels;

    /// <summary>Moves up to <paramref name="destination"/>'s length into it and returns the frames moved.</summary>
    public int Take(Span<float> destination)
    {
        int samples = Math.Min(destination.Length, _end - _start);
        _samples.AsSpan(_start, samples).CopyTo(destination);
        _start += samples;
        return samples / _channels;
    }

    /// <summary>Forgets everything waiting.</summary>
    public void Clear() => _start = _end = 0;

    /// <summary>Mean square of the first <paramref name="frames"/> waiting frames (all channels).</summary>
    public float MeanSquare(int frames) => MeanSquare(_samples.AsSpan(_start, Math.Min(frames * _channels, _end - _start)));

    /// <summary>Mean square of <paramref name="x"/> (0 when empty).</summary>
    public static float MeanSquare(ReadOnlySpan<float> x)
    {
        float sum = 0;
        foreach (float v in x)
            sum += v * v;
        return x.Length == 0 ? 0 : sum / x.Length;
    }

    /// <summary>
    /// The pitch period (frames) of the waiting audio, at most half of what is waiting; 0 when too little is
    /// waiting. Silence gives the longest period allowed, so quiet passages change the most.
    /// </summary>
    public int FindPeriod()
    {
        int frames = Math.Min(Frames, 2 * MaxPeriod);
        int d = _decimation;
        int window = MinPeriod / d;
        int count = frames / d;
        int maxLag = Math.Min(MaxPeriod / d, Math.Min(count - window, count / 2));
        int minLag = Math.Max(1, MinPeriod / d);
        if (maxLag < minLag)
            return 0;

        ReadOnlySpan<float> x = _samples.AsSpan(_start, count * d * _channels);
        Span<float> m = _decimated.AsSpan(0, count);
        for (int i = 0; i < count; i++)
        {
            float sum = 0;
            foreach (float v in x.Slice(i * d * _channels, d * _channels))
                sum += v;
            m[i] = sum;
        }

        float reference = 0;
        for (int i = 0; i < window; i++)
            reference += m[i] * m[i];
        if (reference < 1e-9f)
            return maxLag * d;

        int best = maxLag;
        float bestScore = float.NegativeInfinity;
        for (int lag = minLag; lag <= maxLag; lag++)
        {
            float cross = 0, energy = 0;
            for (int i = 0; i < window; i++)
            {
                cross += m[i] * m[i + lag];
                energy += m[i + lag] * m[i + lag];
            }
            float score = cross / MathF.Sqrt(reference * energy + 1e-12f);
            if (score > bestScore)
            {
                bestScore = score;
                best = lag;
            }
        }
        return best * d;
    }

    /// <summary>Plays the first two periods as one: the first fades into the second. Needs 2 × period frames waiting.</summary>
    public void RemovePeriod(int period)
    {
        Span<float> x = _samples.AsSpan(_start, 2 * period * _channels);
        Crossfade(x[..(period * _channels)], x[(period * _channels)..], x[(period * _channels)..], period);
        _start += period * _channels;
    }

    /// <summary>Plays the first period twice: the second copy fades from the audio that followed into the repeat. Needs 2 × period frames waiting.</summary>
    public void InsertPeriod(int period)
    {
        int shift = period * _channels;
        GetWriteSpan(period);
        Span<float> tail = _samples.AsSpan(_start + shift, _end - _start - shift);
        tail.CopyTo(_samples.AsSpan(_start + 2 * shift));
        _end += shift;
        Span<float> x = _samples.AsSpan(_start, 3 * shift);
        Crossfade(x[(2 * shift)..], x[..shift], x[shift..(2 * shift)], period);
    }

    // output[i] = fadeOut[i]·(1 − w) + fadeIn[i]·w, w rising over the period; output may alias either input.
    private void Crossfade(ReadOnlySpan<float> fadeOut, ReadOnlySpan<float> fadeIn, Span<float> output, int period)
    {
        float step = 1f / (period + 1);
        for (int i = 0, k = 0; i < period; i++)
        {
            float w = (i + 1) * step;
            for (int c = 0; c < _channels; c++, k++)
                output[k] = fadeOut[k] + (fadeIn[k] - fadeOut[k]) * w;
        }
    }

    private void Compact()
    {
        _samples.AsSpan(_start, _end - _start).CopyTo(_samples);
        _end -= _start;
        _start = 0;
    }
}
