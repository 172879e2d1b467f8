using Beryl.Aec.Fft;
using Beryl.Aec.Simd;

namespace Beryl.Aec.Linear;

/// <summary>
/// The linear echo canceller of one capture channel: an adaptive filter that always adapts and a fixed
/// filter that produces the output. The adaptive coefficients are copied to the fixed filter when the
/// adaptive error is consistently lower than both the fixed filter's and the microphone's; the fixed
/// ones are copied back when the adaptive filter diverges (its error exceeds the microphone's while the
/// fixed filter does well).
/// </summary>
internal sealed class LinearEchoCanceller
{
    private const float PowerSmoothing = 0.3f;
    private const float SingleTalkSmoothing = 0.1f;
    private const int FramesToCopy = 2;
    private const int FramesToRevert = 3;
    private const int FramesToReset = 50;
    // A fixed filter's error this far above the mic power is echo it adds. Closer to the mic power it is chance: with a
    // near-end talker louder than the echo, both powers are mostly the talk, and bypassing the filter would let the
    // echo through.
    private const float AddedPower = 2f;

    private readonly int _block, _bins;
    private readonly RealFft _fft;
    private readonly bool _simd;
    private readonly PartitionedFilter _adaptive, _fixed;
    private readonly AdaptationStepSize _step;
    private readonly float[] _yRe, _yIm, _yaRe, _yaIm, _eRe, _eIm, _gRe, _gIm, _time, _errorAdaptive, _filterGain, _impulse, _estimate;
    private readonly float[] _peakValue;
    private readonly int[] _peakTap;
    private float _micPower, _adaptivePower, _fixedPower, _estimatePower, _estimateCross, _singleTalkMic, _singleTalkError;
    private int _betterFrames, _worseFrames, _lostFrames;
    private long _frames;

    public LinearEchoCanceller(int renderChannels, int partitions, int block, int[] binLimit, RealFft fft, bool simd)
    {
        _block = block;
        _bins = block + 1;
        _fft = fft;
        _simd = simd;
        _adaptive = new PartitionedFilter(renderChannels, partitions, _bins, binLimit, simd);
        _fixed = new PartitionedFilter(renderChannels, partitions, _bins, binLimit, simd);
        _step = new AdaptationStepSize(_bins, partitions, renderChannels, simd);
        _yRe = new float[_bins]; _yIm = new float[_bins];
        _eRe = new float[_bins]; _eIm = new float[_bins];
        _gRe = new float[_bins]; _gIm = new float[_bins];
        _yaRe = new float[_bins]; _yaIm = new float[_bins];
        _filterGain = new float[_bins];
        _time = new float[2 * block];
        _errorAdaptive = new float[block];
        _estimate = new float[block];
        _impulse = new float[partitions * block];
        _peakValue = new float[partitions];
        _peakTap = new int[partitions];
    }

    public ActiveFilter ActiveFilter { get; private set; }

    /// <summary>The filter that adapts (exposed so that tests can disturb it).</summary>
    internal PartitionedFilter AdaptiveFilter => _adaptive;
    public long DivergenceCount { get; private set; }
    public long CopyCount { get; private set; }

    /// <summary>Tap of the largest coefficient of the adaptive filter (the direct path), in samples.</summary>
    public int PeakTap { get; private set; }

    /// <summary>Smoothed mic power over the output error power (linear ERLE, as a power ratio).</summary>
    public float Erle => (_micPower + 1e-12f) / (Math.Min(_fixedPower, _adaptivePower) + 1e-12f);

    /// <summary>Smoothed power of <see cref="EchoEstimate"/> over the mic power: near 1 where the mic holds echo alone.</summary>
    public float EstimateShare => _estimatePower / _micPower;

    /// <summary>
    /// Smoothed correlation of the output error with <see cref="EchoEstimate"/>, -1..1: strongly negative when the
    /// estimate is subtracted where there is no echo (a path that moved), near zero in double talk.
    /// </summary>
    public float EstimateErrorCorrelation => _estimateCross / MathF.Sqrt(_estimatePower * _fixedPower + 1e-30f);

    /// <summary>
    /// Linear ERLE (power ratio) over frames without double talk: unlike <see cref="Erle"/>, a near-end talker does
    /// not pull it down, so it tells a filter that has lost the echo path from one that is hearing the near end.
    /// </summary>
    public float SingleTalkErle => (_singleTalkMic + 1e-12f) / (_singleTalkError + 1e-12f);

    /// <summary>Squared coherence of the adaptive error with the render, per bin (render-explained share of the error).</summary>
    public ReadOnlySpan<float> ErrorRenderCoherence => _step.Coherence;

    /// <summary>The echo the filter in use estimated in the last block, subtracted or not.</summary>
    public ReadOnlySpan<float> EchoEstimate => _estimate;

    /// <summary><see cref="ErrorRenderCoherence"/> over a longer time, which near-end speech rarely raises by chance.</summary>
    public ReadOnlySpan<float> SteadyErrorRenderCoherence => _step.SteadyCoherence;

    /// <summary>
    /// Cancels the echo of one block. Writes the output error and the echo estimate it subtracted.
    /// <paramref name="constrainPartition"/> rotates through the partitions from frame to frame.
    /// </summary>
    public void Process(RenderSpectrumBuffer x, ReadOnlySpan<float> capture, Span<float> error, Span<float> echo, int constrainPartition, bool adapt, bool doubleTalk = false)
    {
        // Adaptive filter: estimate, error, and its spectrum for the gradient.
        _adaptive.Convolve(x, _yaRe, _yaIm);
        _fft.Inverse(_yaRe, _yaIm, _time);
        for (int i = 0; i < _block; i++) _errorAdaptive[i] = capture[i] - _time[_block + i];

        // Fixed filter: the output unless the adaptive one is copied this frame.
        _fixed.Convolve(x, _yRe, _yIm);
        _fft.Inverse(_yRe, _yIm, _time);
        for (int i = 0; i < _block; i++)
        {
            echo[i] = _time[_block + i];
            error[i] = capture[i] - echo[i];
        }

        float mic = SpectralMath.Energy(capture, _simd);
        float adaptive = SpectralMath.Energy(_errorAdaptive, _simd);
        float fixedError = SpectralMath.Energy(error, _simd);
        _micPower = Math.Max(_micPower + PowerSmoothing * (mic - _micPower), SpectralMath.PowerFloor);
        _adaptivePower = Math.Max(_adaptivePower + PowerSmoothing * (adaptive - _adaptivePower), SpectralMath.PowerFloor);
        _fixedPower = Math.Max(_fixedPower + PowerSmoothing * (fixedError - _fixedPower), SpectralMath.PowerFloor);
        if (!doubleTalk)
        {
            _singleTalkMic += SingleTalkSmoothing * (mic - _singleTalkMic);
            _singleTalkError += SingleTalkSmoothing * (Math.Min(fixedError, adaptive) - _singleTalkError);
        }
        ActiveFilter = ActiveFilter.Fixed;
        if (adapt) Coordinate(capture, error, echo, doubleTalk);
        echo.CopyTo(_estimate);
        _estimatePower += PowerSmoothing * (SpectralMath.Energy(echo, _simd) - _estimatePower);
        _estimateCross += PowerSmoothing * (SpectralMath.Dot(error, echo, _simd) - _estimateCross);
        if (_fixedPower > AddedPower * _micPower && ActiveFilter == ActiveFilter.Fixed)
        {
            // A fixed filter that adds echo is bypassed until the adaptive one has something better.
            capture.CopyTo(error);
            echo.Clear();
        }

        if (adapt)
        {
            _time.AsSpan(0, _block).Clear();
            _errorAdaptive.CopyTo(_time.AsSpan(_block));
            _fft.Forward(_time, _eRe, _eIm);
            int dominant = Math.Clamp(PeakTap / _block, 0, _adaptive.Partitions - 1);
            // The echo path's gain only drives the slow drift term: refreshing it now and then is enough.
            if (_frames++ % 8 == 0) _adaptive.PowerGain(_filterGain);
            _step.Compute(x, dominant, _eRe, _eIm, _filterGain, doubleTalk, _gRe, _gIm);
            _adaptive.Adapt(x, _gRe, _gIm);
            var (peak, tap) = _adaptive.Constrain(constrainPartition, _fft, _time, x.Excitation);
            _peakValue[constrainPartition] = peak;
            _peakTap[constrainPartition] = tap;
            UpdatePeak();
            if (_adaptive.IsCorrupt()) Revert();
        }
    }

    private void Coordinate(ReadOnlySpan<float> capture, Span<float> error, Span<float> echo, bool doubleTalk)
    {
        // Only a filter that removes at least half the mic power is trusted: in double talk both
        // errors are mostly near-end speech and which one is lower is chance.
        // In double talk the fixed filter is what protects the output: only a clearly better filter replaces it then.
        float margin = doubleTalk ? 0.5f : 0.95f;
        bool adaptiveBetter = _adaptivePower < margin * _fixedPower && _adaptivePower < 0.5f * _micPower;
        _betterFrames = adaptiveBetter ? _betterFrames + 1 : 0;
        if (_betterFrames >= FramesToCopy)
        {
            _fixed.CopyFrom(_adaptive);
            _fixedPower = _adaptivePower;
            _betterFrames = 0;
            CopyCount++;
            ActiveFilter = ActiveFilter.Adaptive;
            for (int i = 0; i < _block; i++)
            {
                error[i] = _errorAdaptive[i];
                echo[i] = capture[i] - error[i];
            }
            return;
        }
        bool diverging = _adaptivePower > 1.5f * _micPower && _adaptivePower > 2f * _fixedPower;
        _worseFrames = diverging ? _worseFrames + 1 : 0;
        if (_worseFrames >= FramesToRevert) Revert();
        // Both filters add echo instead of removing it: start over rather than keep making it worse.
        bool bothWorse = _fixedPower > 2f * _micPower && _adaptivePower > 2f * _micPower;
        _lostFrames = bothWorse ? _lostFrames + 1 : 0;
        if (_lostFrames >= FramesToReset) ResetFilters();
    }

    private void ResetFilters()
    {
        _adaptive.Reset();
        _fixed.Reset();
        _step.Reset();
        _adaptivePower = _fixedPower = _micPower;
        _lostFrames = 0;
        DivergenceCount++;
    }

    /// <summary>The adaptive filter starts again from the fixed one, as after a divergence but not counted as one.</summary>
    public void ResumeFromFixed()
    {
        CopyFixedToAdaptive();
        _betterFrames = 0;
    }

    private void Revert()
    {
        if (_fixed.IsCorrupt()) _fixed.Reset();
        CopyFixedToAdaptive();
        DivergenceCount++;
    }

    private void CopyFixedToAdaptive()
    {
        _adaptive.CopyFrom(_fixed);
        _adaptivePower = _fixedPower;
        _worseFrames = 0;
    }

    private void UpdatePeak()
    {
        int best = 0;
        for (int p = 1; p < _peakValue.Length; p++) if (_peakValue[p] > _peakValue[best]) best = p;
        PeakTap = _peakTap[best];
    }

    /// <summary>Moves both filters' impulse responses when the render alignment moves by <paramref name="samples"/>.</summary>
    public void Shift(int samples)
    {
        _adaptive.Shift(samples, _fft, _impulse, _time);
        _fixed.Shift(samples, _fft, _impulse, _time);
        for (int p = 0; p < _peakTap.Length; p++) _peakTap[p] -= samples;
        PeakTap -= samples;
    }
}
