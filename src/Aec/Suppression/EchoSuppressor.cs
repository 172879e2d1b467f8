using Beryl.Aec.Fft;
using Beryl.Aec.Simd;

namespace Beryl.Aec.Suppression;

/// <summary>
/// Removes the echo the linear filter left behind (its misadjustment, loudspeaker distortion, reverb
/// beyond the filter) with per-bin gains, and fills what it removes with comfort noise.
/// The residual echo is estimated three ways and the largest wins: the echo estimate scaled by how much
/// residual the filter has been leaving per unit of estimate (learnt in far-end single talk); the
/// share of the error that is coherent with the render (catches a filter that has not converged), up to
/// what the render could make through a loud room; and,
/// while the linear filter removes next to nothing, the render power over the filter's window scaled by
/// the residual left per unit of render power (learnt in far-end single talk too). The last needs neither
/// phase nor a converged filter, so it holds when a codec or a jitter buffer's time stretching keeps the
/// linear filter from following the echo path. Where the canceller finds that the path moved under a filter that
/// followed it, the whole error is taken as echo until the filter has moved too. When the echo comes back through
/// codecs, a bin where subtracting the estimate added power is taken to hold echo as loud as the estimate, outside
/// double talk (see <see cref="EchoCancellerOptions.EchoThroughCodec"/>).
/// Gains are Wiener gains on a decision-directed signal-to-residual ratio
/// (on twice the residual, unless the near end dominates a following filter's residual), smoothed over a band that
/// widens with frequency (roughly perceptual resolution) and released more slowly than they attack (except where the
/// near end clearly dominates), so near-end speech keeps its level in double talk while echo is cut.
/// </summary>
internal sealed class EchoSuppressor
{
    private const float OverSuppression = 2f;
    // A frame whose near-end power is this many times its residual echo is the talker's: the gains there are plain
    // Wiener gains, and a bin may keep more than its band, because every decibel of over-suppression is taken from the
    // talker while the echo left would be masked anyway. Only while the linear filter removes most of the echo: where it
    // struggles (a codec, a jitter buffer moving the path) the residual estimate is too rough to take at its word.
    private const float NearEndDominance = 6f;
    private const float MinGain = 0.005f;
    private const float ReverbDecay = 0.6f;
    private const float DecisionDirected = 0.6f;
    private const float Release = 0.5f;
    // A bin 18 dB above its residual echo while the near end talks is the talker's: its gain rises at once, or every
    // onset after a pause (where the gain had fallen to its floor) would be cut for several frames.
    private const float ClearNearEnd = 60f;
    private const float ResidualFloor = 1e-4f;
    // Coherence estimates this small are as likely noise as echo: they must not cut the near end.
    private const float CoherenceNoise = 0.2f;
    // The coherent share of the error is echo only up to what the render can make: by Cauchy-Schwarz, an echo bin's power
    // is at most the path's power gain times the render power summed over the filter's window, and a room that returns
    // more than the render's own level (0 dB of coupling; the error's window holds half the power of the render's) is
    // rare. A talker whom the far end sends back faintly (its own canceller leaking) is coherent with that render, a
    // sustained vowel with its own copy at any delay; unbounded, the coherence cut the talker by up to 25 dB. Learnt
    // per-room bounds were tried: they cost recorded bridge legs whose filters had not found the path yet.
    private const float CoherentEchoGain = 1f;
    private const float RenderResidualPace = 0.05f;
    // Through a codec, a bin where subtracting the estimate added power, and whose estimate holds at least this share of
    // the microphone's power, holds echo the codec left without its waveform (see EchoCancellerOptions.EchoThroughCodec).
    private const float CodedEchoShare = 0.25f;

    private readonly int _bins;
    private readonly bool _simd, _comfortNoise, _echoThroughCodec;
    private readonly float _strongRender;
    private readonly WindowedTransform _transform, _echoTransform, _captureTransform;
    private readonly NoiseFloorEstimator _noise;
    private readonly ComfortNoiseGenerator _generator;
    private readonly float[] _errorHistory, _echoHistory, _captureHistory;
    private readonly float[] _eRe, _eIm, _yRe, _yIm, _mRe, _mIm, _pe, _py, _pm, _codedResidual, _residual, _residualShape, _residualPerRender, _learntResidual, _learntRender;
    private readonly float[] _gain, _previousGain, _smoothedGain, _previousCleanPower, _prefix, _noiseFill;
    private readonly int[] _bandWidth;

    /// <summary>
    /// <paramref name="strongRender"/>: per-bin render power (summed over the filter's window) above which the residual per
    /// unit of render is learnt; <paramref name="echoThroughCodec"/>: see <see cref="EchoCancellerOptions.EchoThroughCodec"/>.
    /// </summary>
    public EchoSuppressor(int block, RealFft fft, bool comfortNoise, int seed, bool simd, float strongRender, bool echoThroughCodec = false)
    {
        _echoThroughCodec = echoThroughCodec;
        _strongRender = strongRender;
        _bins = block + 1;
        _simd = simd;
        _comfortNoise = comfortNoise;
        _transform = new WindowedTransform(block, fft);
        _echoTransform = new WindowedTransform(block, fft);
        _captureTransform = new WindowedTransform(block, fft);
        _noise = new NoiseFloorEstimator(_bins);
        _generator = new ComfortNoiseGenerator(seed);
        _errorHistory = new float[block];
        _echoHistory = new float[block];
        _captureHistory = new float[block];
        _eRe = new float[_bins]; _eIm = new float[_bins];
        _yRe = new float[_bins]; _yIm = new float[_bins];
        _mRe = new float[_bins]; _mIm = new float[_bins];
        _pe = new float[_bins]; _py = new float[_bins]; _pm = new float[_bins]; _codedResidual = new float[_bins];
        _residual = new float[_bins];
        _residualShape = new float[_bins];
        Array.Fill(_residualShape, 1f);
        _residualPerRender = new float[_bins];
        _learntResidual = new float[_bins];
        _learntRender = new float[_bins];
        _gain = new float[_bins];
        _previousGain = new float[_bins];
        Array.Fill(_previousGain, 1f);
        _smoothedGain = new float[_bins];
        _previousCleanPower = new float[_bins];
        _prefix = new float[_bins + 1];
        _noiseFill = new float[_bins];
        _bandWidth = new int[_bins];
        for (int k = 0; k < _bins; k++) _bandWidth[k] = Math.Max(1, (int)(0.06f * k));
    }

    /// <summary>True in the last frame if near-end speech was present together with echo.</summary>
    public bool DoubleTalk { get; private set; }

    /// <summary>
    /// Suppresses one block. <paramref name="capture"/> is the microphone block (read only when the echo comes through
    /// a codec), <paramref name="error"/> the linear canceller's output, <paramref name="echo"/> what it subtracted,
    /// <paramref name="renderCoherence"/> the per-bin coherence of its error with the render and
    /// <paramref name="steadyRenderCoherence"/> the same over a longer time, <paramref name="renderPower"/> the per-bin
    /// render power summed over the filter's window, which bounds the coherent estimate and is used while
    /// <paramref name="filterLost"/> says that the linear filter removes next to nothing; <paramref name="filterFollows"/>
    /// says that it removes most of the echo, and <paramref name="errorIsEcho"/> that the whole error is echo (a path that
    /// moved under a filter that followed it). The output is one block late.
    /// </summary>
    /// <remarks>
    /// In double talk the steady coherence is taken: the quick one scatters so much over near-end speech that it
    /// passes its noise threshold in many bins by chance, and each of those would cut the talker as if it were echo.
    /// Outside double talk the quick one catches a filter that loses the echo path within a few frames.
    /// </remarks>
    public void Process(ReadOnlySpan<float> capture, ReadOnlySpan<float> error, ReadOnlySpan<float> echo, ReadOnlySpan<float> renderCoherence, ReadOnlySpan<float> steadyRenderCoherence,
        ReadOnlySpan<float> renderPower, bool filterLost, bool filterFollows, bool errorIsEcho, bool farEndActive, Span<float> output)
    {
        var coherence = DoubleTalk ? steadyRenderCoherence : renderCoherence;
        _transform.Analyze(_errorHistory, error, _eRe, _eIm);
        _echoTransform.Analyze(_echoHistory, echo, _yRe, _yIm);
        SpectralMath.Power(_eRe, _eIm, _pe, _simd);
        SpectralMath.Power(_yRe, _yIm, _py, _simd);
        if (_echoThroughCodec)
        {
            _captureTransform.Analyze(_captureHistory, capture, _mRe, _mIm);
            SpectralMath.Power(_mRe, _mIm, _pm, _simd);
        }
        _noise.Update(_pe, _py);
        var noise = _noise.Floor;

        float residualSum = 0f, codedSum = 0f, nearSum = 0f, noiseSum = 0f;
        for (int k = 0; k < _bins; k++)
        {
            float pe = _pe[k], py = _py[k];
            float fromEstimate = _residualShape[k] * py;
            float fromCoherence = Math.Min(Math.Max(0f, coherence[k] - CoherenceNoise) / (1f - CoherenceNoise) * pe, CoherentEchoGain * renderPower[k]);
            float fromRender = filterLost ? _residualPerRender[k] * renderPower[k] : 0f;
            float residual = errorIsEcho ? pe : Math.Max(Math.Max(fromEstimate, fromCoherence), fromRender);
            residual = Math.Max(Math.Max(residual, ReverbDecay * _residual[k]), SpectralMath.PowerFloor);
            _residual[k] = residual;
            float coded = _echoThroughCodec && pe > _pm[k] && py > CodedEchoShare * _pm[k] ? Math.Max(residual, py) : residual;
            _codedResidual[k] = coded;
            residualSum += residual;
            codedSum += coded;
            noiseSum += noise[k];
            nearSum += Math.Max(pe - 2f * coded - 2f * noise[k], 0f);
        }
        DoubleTalk = farEndActive && nearSum > codedSum + 1e-9f * _bins && nearSum > noiseSum;
        // In double talk the talker keeps the plain estimate: the coded one would cut it wherever the echo is as loud.
        if (_echoThroughCodec && !DoubleTalk) _codedResidual.CopyTo(_residual, 0);
        bool nearEndDominates = filterFollows && DoubleTalk && nearSum > NearEndDominance * residualSum;
        if (farEndActive && !errorIsEcho) LearnResidualShape(noise, renderPower);

        float overSuppression = nearEndDominates ? 1f : OverSuppression;
        for (int k = 0; k < _bins; k++)
        {
            float r = overSuppression * _residual[k] + 1e-20f;
            float posterior = _pe[k] / r;
            float prior = DecisionDirected * _previousCleanPower[k] / r + (1f - DecisionDirected) * Math.Max(posterior - 1f, 0f);
            _gain[k] = Math.Max(MinGain, prior / (1f + prior));
        }
        SmoothAcrossFrequency(nearEndDominates);
        bool nearEndLeads = DoubleTalk || !farEndActive;
        for (int k = 0; k < _bins; k++)
        {
            float g = _smoothedGain[k];
            if (g > _previousGain[k] && !(nearEndLeads && _pe[k] > ClearNearEnd * _residual[k]))
                g = _previousGain[k] + Release * (g - _previousGain[k]);
            _previousGain[k] = g;
            _previousCleanPower[k] = Math.Max(g * g * _pe[k], SpectralMath.PowerFloor);
            _noiseFill[k] = _comfortNoise ? Math.Max(0f, noise[k] * (1f - g * g)) : 0f;
        }
        SpectralMath.ApplyGain(_previousGain, _eRe, _eIm, _simd);
        if (_comfortNoise) _generator.Add(_noiseFill, _eRe, _eIm);
        _transform.Synthesize(_eRe, _eIm, output);
    }

    // Residual per unit of echo estimate: falls quickly as the filter converges, rises slowly so that
    // undetected near-end speech does not teach it to over-suppress. The residual per unit of render power is a
    // ratio of averages, so that it is set by the bulk of the talk rather than by onsets (where the window holds
    // little render yet); it follows the error both ways at a moderate pace, to rise within a few tenths of a
    // second when the filter loses the echo path.
    private void LearnResidualShape(ReadOnlySpan<float> noise, ReadOnlySpan<float> renderPower)
    {
        if (DoubleTalk) return;
        for (int k = 0; k < _bins; k++)
        {
            if (renderPower[k] > _strongRender)
            {
                _learntResidual[k] += RenderResidualPace * (Math.Max(_pe[k] - noise[k], 0f) - _learntResidual[k]);
                _learntRender[k] += RenderResidualPace * (renderPower[k] - _learntRender[k]);
                _residualPerRender[k] = Math.Min(_learntResidual[k] / _learntRender[k], 1f);
            }
            float py = _py[k];
            if (py < 4f * noise[k] + 1e-12f) continue;
            float ratio = Math.Clamp((_pe[k] - noise[k]) / py, ResidualFloor, 1f);
            float rate = ratio < _residualShape[k] ? 0.2f : 0.03f;
            _residualShape[k] += rate * (ratio - _residualShape[k]);
        }
    }

    private void SmoothAcrossFrequency(bool nearEndDominates)
    {
        _prefix[0] = 0f;
        for (int k = 0; k < _bins; k++) _prefix[k + 1] = _prefix[k] + _gain[k];
        for (int k = 0; k < _bins; k++)
        {
            int lo = Math.Max(0, k - _bandWidth[k]), hi = Math.Min(_bins, k + _bandWidth[k] + 1);
            float mean = (_prefix[hi] - _prefix[lo]) / (hi - lo);
            // A bin may be suppressed more than its band (a strong echo harmonic), never less, unless the near end
            // dominates: then a talker's harmonic between echo harmonics keeps its own gain.
            float own = nearEndDominates ? _gain[k] : Math.Min(_gain[k], mean);
            _smoothedGain[k] = own * 0.5f + mean * 0.5f;
        }
    }
}
