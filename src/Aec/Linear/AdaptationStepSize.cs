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
    // Twice as slow (a time constant of some 12 frames): steady enough that near-end speech rarely looks render-coherent.
    private const float SteadyCoherenceSmoothing = 0.08f;
    // Double talk slows adaptation further than its error power alone does: the talk's first frames, before the error
    // power has caught up, and near-end speech the render happens to resemble otherwise pull the filter off the path.
    private const float DoubleTalkStepScale = 0.3f;
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
    private readonly float[] _crossRe, _crossIm, _renderRe, _renderIm, _renderPower;
    private readonly SmoothedCoherence _coherence, _steadyCoherence;

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
        _crossRe = new float[bins];
        _crossIm = new float[bins];
        _renderRe = new float[bins];
        _renderIm = new float[bins];
        _renderPower = new float[bins];
        _coherence = new SmoothedCoherence(bins, CoherenceSmoothing);
        _steadyCoherence = new SmoothedCoherence(bins, SteadyCoherenceSmoothing);
        Reset();
    }

    /// <summary>Per bin, the smoothed squared coherence of the error with the dominant render block, bias removed.</summary>
    public ReadOnlySpan<float> Coherence => _coherence.Value;

    /// <summary>The same coherence smoothed over a longer time: later to rise, but rarely raised by chance.</summary>
    public ReadOnlySpan<float> SteadyCoherence => _steadyCoherence.Value;

    public void Reset()
    {
        Array.Fill(_misadjustment, InitialMisadjustment);
        Array.Clear(_errorPower);
    }

    /// <summary>
    /// Computes the gradient scale G = mu * E for this frame from the adaptive filter's error spectrum
    /// and the render spectra; <paramref name="filterGain"/> is the filter's power gain per bin, and
    /// <paramref name="doubleTalk"/> says that near-end speech was found in the last frame.
    /// </summary>
    public void Compute(RenderSpectrumBuffer x, int dominantPartition, ReadOnlySpan<float> eRe, ReadOnlySpan<float> eIm,
        ReadOnlySpan<float> filterGain, bool doubleTalk, Span<float> gRe, Span<float> gIm)
    {
        float maxStep = doubleTalk ? DoubleTalkStepScale * MaxStep : MaxStep;
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
            float explained = Math.Max(0f, _coherence.Value[k] - CoherenceNoise) / (1f - CoherenceNoise) * e2 / sxx;
            if (explained > m) m = explained;
            float residual = m * sxx;
            float step = maxStep * residual / (residual + e2 + 1e-20f);
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
            _crossRe[k] = xRe[k] * eRe[k] + xIm[k] * eIm[k];
            _crossIm[k] = xRe[k] * eIm[k] - xIm[k] * eRe[k];
        }
        _coherence.Update(_crossRe, _crossIm, xx, _errorNow);
        _steadyCoherence.Update(_crossRe, _crossIm, xx, _errorNow);
    }
}
