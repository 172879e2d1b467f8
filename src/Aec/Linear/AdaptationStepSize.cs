using Beryl.Aec.Simd;

namespace Beryl.Aec.Linear;

/// <summary>
/// Per-bin step size of the adaptive filter, Kalman-style. Each bin keeps an estimate of the filter's
/// misadjustment M (its expected coefficient error power), so that the a-priori residual echo is
/// M * Sxx (Sxx: render power over the filter's span). The normalised step is the share of residual echo
/// in the error, M*Sxx / (M*Sxx + E2): 1/2 in far-end single talk, small when near-end speech or
/// noise dominate the error (double talk freezes the filter instead of letting it diverge).
/// <para>
/// The residual can never exceed the error, so M is bounded by E2/Sxx every frame: in far-end single
/// talk that bound is the measured residual, and M follows the filter's real convergence down; in
/// double talk the bound is loose and M keeps its last single-talk value. M shrinks with every step
/// taken, grows slowly with an echo-path drift term, and is lifted whenever the error is coherent with
/// the render signal, which is what an echo path change (not double talk, whose error is incoherent
/// with the render) looks like.
/// </para>
/// </summary>
internal sealed class AdaptationStepSize
{
    private const float MaxStep = 2f;
    private const float ErrorSmoothing = 0.5f;
    private const float CoherenceSmoothing = 0.15f;
    // Expected coherence of two independent signals under the smoothing above: subtract it as bias.
    private const float CoherenceBias = CoherenceSmoothing / (2f - CoherenceSmoothing);
    // Coherence estimates below this are as likely estimation noise as echo.
    private const float CoherenceNoise = 0.4f;
    private const float InitialMisadjustment = 1f;
    private const float DriftPerFrame = 2e-5f;
    // The error spectrum is taken over half a window, so it holds about half the residual's power.
    private const float ResidualBound = 2f;
    private const float Regularisation = 1e-4f;

    private readonly int _bins, _partitions;
    private readonly bool _simd;
    private readonly float _renderFloor;
    private readonly float[] _misadjustment, _errorPower, _errorNow;
    private readonly float[] _sexRe, _sexIm, _see, _sxx, _renderRe, _renderIm, _renderPower;

    public AdaptationStepSize(int bins, int partitions, int renderChannels, bool simd)
    {
        _bins = bins;
        _partitions = partitions;
        _simd = simd;
        // About -80 dBFS white render in every partition of a 2B-sample window.
        _renderFloor = 1e-8f * 2 * (bins - 1) * partitions * renderChannels;
        _misadjustment = new float[bins];
        _errorPower = new float[bins];
        _errorNow = new float[bins];
        _sexRe = new float[bins];
        _sexIm = new float[bins];
        _see = new float[bins];
        _sxx = new float[bins];
        _renderRe = new float[bins];
        _renderIm = new float[bins];
        _renderPower = new float[bins];
        Coherence = new float[bins];
        Reset();
    }

    /// <summary>Per bin, the smoothed squared coherence of the error with the dominant render block, bias removed.</summary>
    public float[] Coherence { get; }

    public void Reset()
    {
        Array.Fill(_misadjustment, InitialMisadjustment);
        Array.Clear(_errorPower);
    }

    /// <summary>
    /// Computes the gradient scale G = mu * E for this frame from the adaptive filter's error spectrum
    /// and the render spectra; <paramref name="filterGain"/> is the filter's power gain per bin.
    /// </summary>
    public void Compute(RenderSpectrumBuffer x, int dominantPartition, ReadOnlySpan<float> eRe, ReadOnlySpan<float> eIm,
        ReadOnlySpan<float> filterGain, Span<float> gRe, Span<float> gIm)
    {
        var sxxAll = x.PowerSum;
        var excitation = x.Excitation;
        SpectralMath.Power(eRe, eIm, _errorNow, _simd);
        SpectralMath.Smooth(_errorNow, _errorPower, ErrorSmoothing, _simd);
        UpdateCoherence(x, dominantPartition, eRe, eIm);

        float mean = SpectralMath.Sum(sxxAll, _simd) / _bins;
        float regulariser = Regularisation * mean + _renderFloor;
        for (int k = 0; k < _bins; k++)
        {
            float sxx = sxxAll[k];
            if (sxx < _renderFloor || excitation[k] == 0f)
            {
                gRe[k] = gIm[k] = 0f;
                continue;
            }
            float e2 = _errorPower[k];
            float m = Math.Min(_misadjustment[k], ResidualBound * e2 / sxx);
            // Render-coherent error is residual echo the misadjustment must account for.
            float explained = Math.Max(0f, Coherence[k] - CoherenceNoise) / (1f - CoherenceNoise) * e2 / sxx;
            if (explained > m) m = explained;
            float residual = m * sxx;
            float step = MaxStep * residual / (residual + e2 + 1e-20f);
            float mu = step / (sxx + regulariser);
            gRe[k] = mu * eRe[k];
            gIm[k] = mu * eIm[k];
            float normalised = step / MaxStep;
            m *= 1f - normalised * (2f - normalised) / (4 * _partitions);
            _misadjustment[k] = m + DriftPerFrame * filterGain[k] / _partitions + 1e-12f;
        }
    }

    private void UpdateCoherence(RenderSpectrumBuffer x, int partition, ReadOnlySpan<float> eRe, ReadOnlySpan<float> eIm)
    {
        const float a = CoherenceSmoothing;
        // The dominant render block, summed over render channels.
        var xRe = _renderRe.AsSpan();
        var xIm = _renderIm.AsSpan();
        var xx = _renderPower.AsSpan();
        x.Re(0, partition).CopyTo(xRe);
        x.Im(0, partition).CopyTo(xIm);
        x.Power(0, partition).CopyTo(xx);
        for (int r = 1; r < x.Channels; r++)
        {
            SpectralMath.Add(x.Re(r, partition), xRe, _simd);
            SpectralMath.Add(x.Im(r, partition), xIm, _simd);
            SpectralMath.Add(x.Power(r, partition), xx, _simd);
        }
        for (int k = 0; k < _bins; k++)
        {
            // conj(X) * E
            float cr = xRe[k] * eRe[k] + xIm[k] * eIm[k], ci = xRe[k] * eIm[k] - xIm[k] * eRe[k];
            _sexRe[k] = SpectralMath.FlushTiny(_sexRe[k] + a * (cr - _sexRe[k]));
            _sexIm[k] = SpectralMath.FlushTiny(_sexIm[k] + a * (ci - _sexIm[k]));
            _see[k] = Math.Max(_see[k] + a * (_errorNow[k] - _see[k]), SpectralMath.PowerFloor);
            _sxx[k] = Math.Max(_sxx[k] + a * (xx[k] - _sxx[k]), SpectralMath.PowerFloor);
            float c = (_sexRe[k] * _sexRe[k] + _sexIm[k] * _sexIm[k]) / (_see[k] * _sxx[k] + 1e-30f);
            Coherence[k] = Math.Max(0f, (c - CoherenceBias) / (1f - CoherenceBias));
        }
    }
}
