using Beryl.Aec.Simd;

namespace Beryl.Aec.Linear;

/// <summary>
/// Per-bin squared coherence of two signals from exponentially smoothed cross- and auto-spectra, with the bias that
/// two independent signals show under that smoothing removed. Slower smoothing scatters less around that bias but
/// follows a change later.
/// </summary>
internal sealed class SmoothedCoherence
{
    private readonly float _smoothing, _bias;
    private readonly float[] _crossRe, _crossIm, _powerA, _powerB;

    public SmoothedCoherence(int bins, float smoothing)
    {
        _smoothing = smoothing;
        // Expected coherence of two independent signals under this smoothing.
        _bias = smoothing / (2f - smoothing);
        _crossRe = new float[bins];
        _crossIm = new float[bins];
        _powerA = new float[bins];
        _powerB = new float[bins];
        Value = new float[bins];
    }

    /// <summary>Per bin, the coherence after the last update, 0 (independent) to 1.</summary>
    public float[] Value { get; }

    /// <summary>Adds one frame: the cross-spectrum conj(A)·B and the two power spectra.</summary>
    public void Update(ReadOnlySpan<float> crossRe, ReadOnlySpan<float> crossIm, ReadOnlySpan<float> powerA, ReadOnlySpan<float> powerB)
    {
        float a = _smoothing;
        for (int k = 0; k < Value.Length; k++)
        {
            _crossRe[k] = SpectralMath.FlushTiny(_crossRe[k] + a * (crossRe[k] - _crossRe[k]));
            _crossIm[k] = SpectralMath.FlushTiny(_crossIm[k] + a * (crossIm[k] - _crossIm[k]));
            _powerA[k] = Math.Max(_powerA[k] + a * (powerA[k] - _powerA[k]), SpectralMath.PowerFloor);
            _powerB[k] = Math.Max(_powerB[k] + a * (powerB[k] - _powerB[k]), SpectralMath.PowerFloor);
            float c = (_crossRe[k] * _crossRe[k] + _crossIm[k] * _crossIm[k]) / (_powerA[k] * _powerB[k] + 1e-30f);
            Value[k] = Math.Max(0f, (c - _bias) / (1f - _bias));
        }
    }
}
