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
    private readonly float[][][] _re, _im, _power;   // [channel][slot][bin]
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

    private void UpdatePowerSum()
    {
        Array.Clear(PowerSum);
        for (int c = 0; c < Channels; c++)
            for (int p = 0; p < Partitions; p++)
                SpectralMath.Add(_power[c][p], PowerSum, _simd);
    }
}
