namespace Beryl.Aec.Delay;

/// <summary>
/// The capture side's copy of the render signal, per channel, addressed by absolute stream position.
/// Positions not yet written, or already overwritten, read as silence.
/// </summary>
internal sealed class RenderHistory
{
    // Fractional reads: a 16-tap Hann-windowed sinc for each of 256 sub-sample phases.
    private const int Taps = 16, Phases = 256;
    private static readonly float[] Interpolator = BuildInterpolator();
    private readonly float[][] _rings;
    private readonly int _capacity;
    private float[] _scratch = [];

    public RenderHistory(int channels, int capacity)
    {
        _capacity = capacity;
        _rings = new float[channels][];
        for (int c = 0; c < channels; c++) _rings[c] = new float[capacity];
    }

    private static float[] BuildInterpolator()
    {
        var table = new float[(Phases + 1) * Taps];
        for (int phase = 0; phase <= Phases; phase++)
        {
            double fraction = (double)phase / Phases, sum = 0;
            for (int k = 0; k < Taps; k++)
            {
                double d = k - (Taps / 2 - 1) - fraction;
                double sinc = Math.Abs(d) < 1e-9 ? 1 : Math.Sin(Math.PI * d) / (Math.PI * d);
                double window = 0.5 + 0.5 * Math.Cos(Math.PI * d / (Taps / 2));
                table[phase * Taps + k] = (float)(sinc * window);
                sum += sinc * window;
            }
            for (int k = 0; k < Taps; k++) table[phase * Taps + k] /= (float)sum;
        }
        return table;
    }

    /// <summary>Sizes the scratch buffer for fractional reads of up to <paramref name="length"/> samples.</summary>
    public void ReserveFractionalReads(int length) => _scratch = new float[length + Taps];

    /// <summary>
    /// Copies samples of one channel at fractional stream positions start, start + 1, ...: the render
    /// resampled onto the capture clock when the two drift apart.
    /// </summary>
    public void Read(int channel, double start, Span<float> destination)
    {
        long whole = (long)Math.Floor(start);
        int phase = (int)Math.Round((start - whole) * Phases);
        if (phase == 0 || phase == Phases)
        {
            Read(channel, whole + phase / Phases, destination);
            return;
        }
        var source = _scratch.AsSpan(0, destination.Length + Taps);
        Read(channel, whole - (Taps / 2 - 1), source);
        var kernel = Interpolator.AsSpan(phase * Taps, Taps);
        for (int i = 0; i < destination.Length; i++)
        {
            var window = source.Slice(i, Taps);
            float sum = 0f;
            for (int k = 0; k < Taps; k++) sum += window[k] * kernel[k];
            destination[i] = sum;
        }
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
        int index = (int)(Written % _capacity);
        for (int i = 0; i < frames; i++)
        {
            for (int c = 0; c < channels; c++) _rings[c][index] = interleaved[i * channels + c];
            if (++index == _capacity) index = 0;
        }
        Written += frames;
    }

    private void AppendSilence(long count)
    {
        long n = Math.Min(count, _capacity);
        int index = (int)((Written + count - n) % _capacity);
        for (long i = 0; i < n; i++)
        {
            foreach (var ring in _rings) ring[index] = 0f;
            if (++index == _capacity) index = 0;
        }
        Written += count;
    }

    /// <summary>Copies <paramref name="destination"/>.Length samples of one channel starting at <paramref name="start"/>.</summary>
    public void Read(int channel, long start, Span<float> destination)
    {
        var ring = _rings[channel];
        long oldest = Math.Max(0, Written - _capacity);
        // Silence before the oldest sample kept and after the newest written; the rest in at most two runs.
        int head = (int)Math.Clamp(oldest - start, 0, destination.Length);
        int end = (int)Math.Clamp(Written - start, head, destination.Length);
        destination[..head].Clear();
        destination[end..].Clear();
        int done = head;
        while (done < end)
        {
            int index = (int)((start + done) % _capacity);
            int run = Math.Min(end - done, _capacity - index);
            ring.AsSpan(index, run).CopyTo(destination.Slice(done, run));
            done += run;
        }
    }
}
