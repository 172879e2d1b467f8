namespace Beryl.Aec.Delay;

/// <summary>
/// The capture side's copy of the render signal, per channel, addressed by absolute stream position.
/// Positions not yet written, or already overwritten, read as silence.
/// </summary>
internal sealed class RenderHistory
{
    private readonly float[][] _rings;
    private readonly int _capacity;

    public RenderHistory(int channels, int capacity)
    {
        _capacity = capacity;
        _rings = new float[channels][];
        for (int c = 0; c < channels; c++) _rings[c] = new float[capacity];
    }

    /// <summary>Stream position one past the newest sample written.</summary>
    public long Written { get; private set; }

    public int Channels => _rings.Length;

    /// <summary>Appends interleaved samples that start at stream position <paramref name="position"/>; a gap is filled with silence.</summary>
    public void Append(ReadOnlySpan<float> interleaved, long position)
    {
        int channels = _rings.Length;
        if (position > Written) AppendSilence(position - Written);
        int frames = interleaved.Length / channels;
        long start = Written;
        for (int i = 0; i < frames; i++)
        {
            int index = (int)((start + i) % _capacity);
            for (int c = 0; c < channels; c++) _rings[c][index] = interleaved[i * channels + c];
        }
        Written = start + frames;
    }

    private void AppendSilence(long count)
    {
        long n = Math.Min(count, _capacity);
        for (long i = 0; i < n; i++)
        {
            int index = (int)((Written + count - n + i) % _capacity);
            foreach (var ring in _rings) ring[index] = 0f;
        }
        Written += count;
    }

    /// <summary>Copies <paramref name="destination"/>.Length samples of one channel starting at <paramref name="start"/>.</summary>
    public void Read(int channel, long start, Span<float> destination)
    {
        var ring = _rings[channel];
        long oldest = Written - _capacity;
        for (int i = 0; i < destination.Length; i++)
        {
            long pos = start + i;
            destination[i] = pos >= Written || pos < oldest || pos < 0 ? 0f : ring[(int)(pos % _capacity)];
        }
    }
}
