using Beryl.Aec.Delay;
using Beryl.Aec.Fft;
using Beryl.Aec.Simd;

namespace Beryl.Aec.Linear;

/// <summary>
/// The spectra of the last P aligned render blocks, per render channel: partition p of the filter
/// multiplies the block p frames old. Each block is the FFT of 2B render samples ending where the
/// current capture block ends, moved back by the alignment offset (overlap-save).
/// </summary>
internal sealed class RenderSpectrumBuffer
{
    // A bin whose render power stays this far (70 dB) below the average bin's carries no echo worth modelling, and
    // the filter cannot be identified there: G.711 upsampled to 16 kHz has nothing above 4 kHz, for one.
    private const float ExcitationRatio = 1e-7f;
    // The render's spectrum is averaged over about a second of frames.
    private const float ShapeSmoothing = 0.01f;

    private readonly float[][][] _re, _im, _power;   // [channel][slot][bin]
    private readonly float[] _shape, _windowedPower;
    private readonly float _silence;
    private readonly float[] _window;
    private readonly RealFft _fft;
    private readonly int _block;
    private readonly bool _simd;
    private int _newest;

    public RenderSpectrumBuffer(int channels, int partitions, int block, RealFft fft, bool simd)
    {
        Partitions = partitions;
        Bins = block + 1;
        _block = block;
        _fft = fft;
        _simd = simd;
        _window = new float[2 * block];
        _re = Alloc(channels, partitions, Bins);
        _im = Alloc(channels, partitions, Bins);
        _power = Alloc(channels, partitions, Bins);
        PowerSum = new float[Bins];
        _shape = new float[Bins];
        _windowedPower = new float[Bins];
        // About -80 dBFS of white render in a Hann-windowed 2B-sample block (sum of w^2 = 0.75 B).
        _silence = 1e-8f * 0.75f * block * channels;
        Excitation = new float[Bins];
        Array.Fill(Excitation, 1f);
    }

    private static float[][][] Alloc(int a, int b, int c)
    {
        var x = new float[a][][];
        for (int i = 0; i < a; i++)
        {
            x[i] = new float[b][];
            for (int j = 0; j < b; j++) x[i][j] = new float[c];
        }
        return x;
    }

    public int Partitions { get; }
    public int Bins { get; }
    public int Channels => _re.Length;

    /// <summary>Per bin, the render power summed over all partitions and channels: the NLMS normaliser.</summary>
    public float[] PowerSum { get; }

    /// <summary>
    /// Per bin, 1 where the render has lately carried power within 70 dB of the average bin, else 0: the bins in
    /// which the echo path can be learnt. Elsewhere a filter has nothing to adapt on, and whatever its coefficients
    /// hold there (leaked in by the causality constraint) never leaves.
    /// </summary>
    public float[] Excitation { get; }

    public ReadOnlySpan<float> Re(int channel, int partition) => _re[channel][Slot(partition)];
    public ReadOnlySpan<float> Im(int channel, int partition) => _im[channel][Slot(partition)];
    public ReadOnlySpan<float> Power(int channel, int partition) => _power[channel][Slot(partition)];

    private int Slot(int partition) => (_newest - partition + Partitions) % Partitions;

    /// <summary>Adds the block whose last sample is render position <paramref name="end"/> (exclusive, fractional under drift).</summary>
    public void Push(RenderHistory history, double end)
    {
        _newest = (_newest + 1) % Partitions;
        Transform(history, end, _newest);
        UpdatePowerSum();
        UpdateExcitation();
    }

    /// <summary>Recomputes every partition for a new alignment, <paramref name="end"/> being the newest block's end.</summary>
    public void Rebuild(RenderHistory history, double end)
    {
        for (int p = 0; p < Partitions; p++) Transform(history, end - (double)p * _block, Slot(p));
        UpdatePowerSum();
    }

    private void Transform(RenderHistory history, double end, int slot)
    {
        for (int c = 0; c < Channels; c++)
        {
            history.Read(c, end - 2 * _block, _window);
            _fft.Forward(_window, _re[c][slot], _im[c][slot]);
            SpectralMath.Power(_re[c][slot], _im[c][slot], _power[c][slot], _simd);
        }
    }

    // The blocks are transformed without a window (overlap-save), and a rectangular window's side lobes would spread
    // in-band render 30-40 dB down into empty bins; a Hann window, applied here in the frequency domain as
    // 0.5 X[k] - 0.25 (X[k-1] + X[k+1]), keeps them 90 dB down one kilohertz away. The test is relative to the
    // average bin, and silence leaves the last verdict standing, so that pauses in the render change nothing.
    private void UpdateExcitation()
    {
        Array.Clear(_windowedPower);
        for (int c = 0; c < Channels; c++)
        {
            var re = _re[c][_newest];
            var im = _im[c][_newest];
            for (int k = 0; k < Bins; k++)
            {
                // Neighbours past either end mirror as complex conjugates of a real signal's spectrum.
                int below = k == 0 ? 1 : k - 1, above = k == Bins - 1 ? k - 1 : k + 1;
                float imBelow = k == 0 ? -im[below] : im[below], imAbove = k == Bins - 1 ? -im[above] : im[above];
                float wr = 0.5f * re[k] - 0.25f * (re[below] + re[above]);
                float wi = 0.5f * im[k] - 0.25f * (imBelow + imAbove);
                _windowedPower[k] += wr * wr + wi * wi;
            }
        }
        SpectralMath.Smooth(_windowedPower, _shape, ShapeSmoothing, _simd);
        float mean = SpectralMath.Sum(_shape, _simd) / Bins;
        if (mean < _silence) return;
        float threshold = ExcitationRatio * mean;
        for (int k = 0; k < Bins; k++) Excitation[k] = _shape[k] > threshold ? 1f : 0f;
    }

    private void UpdatePowerSum()
    {
        Array.Clear(PowerSum);
        for (int c = 0; c < Channels; c++)
            for (int p = 0; p < Partitions; p++)
                SpectralMath.Add(_power[c][p], PowerSum, _simd);
    }
}
