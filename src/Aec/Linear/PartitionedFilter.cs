using Beryl.Aec.Fft;
using Beryl.Aec.Simd;

namespace Beryl.Aec.Linear;

/// <summary>
/// Coefficients of a partitioned-block frequency-domain FIR filter for one capture channel: one set of
/// P partitions of B+1 bins per render channel. High bins may use fewer partitions than low ones
/// (a bin limit per partition): above 8 kHz rooms reverberate less and speech carries little energy, so the
/// 48 kHz filter spends its tail where the echo is.
/// </summary>
internal sealed class PartitionedFilter
{
    // Per constraint of a partition (once every P frames): a leak into an unexcited bin fades by e over some 50 of them.
    private const float UnexcitedRetention = 0.98f;

    private readonly float[][][] _re, _im;      // [render channel][partition][bin]
    private readonly int[] _binLimit;
    private readonly bool _simd;

    public PartitionedFilter(int renderChannels, int partitions, int bins, int[] binLimit, bool simd)
    {
        Partitions = partitions;
        Bins = bins;
        _binLimit = binLimit;
        _simd = simd;
        _re = new float[renderChannels][][];
        _im = new float[renderChannels][][];
        for (int r = 0; r < renderChannels; r++)
        {
            _re[r] = new float[partitions][];
            _im[r] = new float[partitions][];
            for (int p = 0; p < partitions; p++)
            {
                _re[r][p] = new float[bins];
                _im[r][p] = new float[bins];
            }
        }
    }

    public int Partitions { get; }
    public int Bins { get; }

    /// <summary>Y = sum over channels and partitions of X * H.</summary>
    public void Convolve(RenderSpectrumBuffer x, Span<float> yRe, Span<float> yIm)
    {
        yRe.Clear();
        yIm.Clear();
        for (int r = 0; r < _re.Length; r++)
        {
            for (int p = 0; p < Partitions; p++)
            {
                int n = _binLimit[p];
                SpectralMath.MultiplyAccumulate(x.Re(r, p)[..n], x.Im(r, p)[..n], _re[r][p].AsSpan(0, n), _im[r][p].AsSpan(0, n), yRe[..n], yIm[..n], _simd);
            }
        }
    }

    /// <summary>H += conj(X) * G for every partition: the unconstrained gradient step.</summary>
    public void Adapt(RenderSpectrumBuffer x, ReadOnlySpan<float> gRe, ReadOnlySpan<float> gIm)
    {
        for (int r = 0; r < _re.Length; r++)
        {
            for (int p = 0; p < Partitions; p++)
            {
                int n = _binLimit[p];
                SpectralMath.ConjugateMultiplyAccumulate(x.Re(r, p)[..n], x.Im(r, p)[..n], gRe[..n], gIm[..n], _re[r][p].AsSpan(0, n), _im[r][p].AsSpan(0, n), _simd);
            }
        }
    }

    /// <summary>
    /// Forces partition <paramref name="p"/> back to a linear (not circular) convolution by zeroing the
    /// second half of its impulse response, and lets the bins where <paramref name="excitation"/> is 0 (no render to
    /// learn from) fade, as that truncation leaks into them and no gradient takes it out again. Returns the largest tap
    /// magnitude and its index in the whole filter.
    /// </summary>
    /// <remarks>
    /// Clearing those bins outright would make the partition band-limited, which the next truncation undoes: the two
    /// projections pull the filter towards zero in turn, and a narrowband (G.711) render's echo was cancelled 10-20 dB
    /// less for it. A slow fade keeps the leak bounded and barely disturbs the truncated response.
    /// </remarks>
    public (float Peak, int Tap) Constrain(int p, RealFft fft, Span<float> scratch, ReadOnlySpan<float> excitation)
    {
        int block = Bins - 1, n = _binLimit[p];
        float peak = 0f;
        int tap = 0;
        for (int r = 0; r < _re.Length; r++)
        {
            fft.Inverse(_re[r][p], _im[r][p], scratch);
            scratch[block..].Clear();
            for (int i = 0; i < block; i++)
            {
                float a = MathF.Abs(scratch[i]);
                if (a > peak) { peak = a; tap = p * block + i; }
            }
            fft.Forward(scratch, _re[r][p], _im[r][p]);
            var re = _re[r][p];
            var im = _im[r][p];
            for (int k = 0; k < n; k++)
            {
                if (excitation[k] != 0f) continue;
                re[k] *= UnexcitedRetention;
                im[k] *= UnexcitedRetention;
            }
            re.AsSpan(n).Clear();
            im.AsSpan(n).Clear();
        }
        return (peak, tap);
    }

    /// <summary>
    /// Moves the impulse response by <paramref name="samples"/>: h_new(t) = h_old(t + samples), so that the
    /// modelled echo stays put when the render alignment moves the other way. Taps pushed out are lost.
    /// </summary>
    public void Shift(int samples, RealFft fft, Span<float> impulse, Span<float> scratch)
    {
        int block = Bins - 1, length = Partitions * block;
        for (int r = 0; r < _re.Length; r++)
        {
            for (int p = 0; p < Partitions; p++)
            {
                fft.Inverse(_re[r][p], _im[r][p], scratch);
                scratch[..block].CopyTo(impulse.Slice(p * block, block));
            }
            if (samples > 0)
            {
                impulse[Math.Min(samples, length)..length].CopyTo(impulse);
                impulse[Math.Max(0, length - samples)..length].Clear();
            }
            else if (samples < 0)
            {
                int s = Math.Min(-samples, length);
                impulse[..(length - s)].CopyTo(impulse[s..length]);
                impulse[..s].Clear();
            }
            for (int p = 0; p < Partitions; p++)
            {
                impulse.Slice(p * block, block).CopyTo(scratch);
                scratch[block..].Clear();
                fft.Forward(scratch, _re[r][p], _im[r][p]);
                _re[r][p].AsSpan(_binLimit[p]).Clear();
                _im[r][p].AsSpan(_binLimit[p]).Clear();
            }
        }
    }

    /// <summary>Per bin, the filter's power gain summed over partitions and channels (an echo path gain estimate).</summary>
    public void PowerGain(Span<float> gain)
    {
        gain.Clear();
        for (int r = 0; r < _re.Length; r++)
            for (int p = 0; p < Partitions; p++)
                for (int k = 0; k < _binLimit[p]; k++)
                    gain[k] += _re[r][p][k] * _re[r][p][k] + _im[r][p][k] * _im[r][p][k];
    }

    public void CopyFrom(PartitionedFilter other)
    {
        for (int r = 0; r < _re.Length; r++)
        {
            for (int p = 0; p < Partitions; p++)
            {
                other._re[r][p].CopyTo(_re[r][p], 0);
                other._im[r][p].CopyTo(_im[r][p], 0);
            }
        }
    }

    public void Reset()
    {
        for (int r = 0; r < _re.Length; r++)
        {
            for (int p = 0; p < Partitions; p++)
            {
                Array.Clear(_re[r][p]);
                Array.Clear(_im[r][p]);
            }
        }
    }

    /// <summary>True when a coefficient became NaN or infinite (numerical blow-up).</summary>
    public bool IsCorrupt()
    {
        for (int r = 0; r < _re.Length; r++)
        {
            float sum = SpectralMath.Sum(_re[r][0], _simd) + SpectralMath.Sum(_im[r][Partitions - 1], _simd);
            if (!float.IsFinite(sum)) return true;
        }
        return false;
    }
}
