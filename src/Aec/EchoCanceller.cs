using Beryl.Aec.Delay;
using Beryl.Aec.Fft;
using Beryl.Aec.Linear;
using Beryl.Aec.Realtime;
using Beryl.Aec.Simd;
using Beryl.Aec.Suppression;

namespace Beryl.Aec;

/// <summary>
/// The Beryl acoustic echo canceller. Feed it 10 ms frames: the loudspeaker signal with
/// <see cref="ProcessRender(ReadOnlySpan{float})"/> (render thread) and the microphone signal with
/// <see cref="ProcessCapture(ReadOnlySpan{float}, Span{float})"/> (capture thread). The two may run
/// on different threads at the same time; after construction neither locks, allocates nor throws
/// (except for frames of the wrong size, a programming error).
/// </summary>
/// <remarks>
/// Render and capture are lined up by stream position: the n-th render sample handed over and the
/// n-th capture sample are taken to be simultaneous, whatever the timing of the calls, so bursts and
/// stalls of either thread do not move the alignment. The processing chain per capture frame is
/// delay estimation, the two-filter frequency-domain NLMS (one partition per 10 ms block), and the
/// residual echo suppressor with comfort noise.
/// </remarks>
public sealed class EchoCanceller
{
    private const float ConvergedErle = 4f;         // 6 dB: the filter's peak can be trusted
    private const int DelayJumpFrames = 25;
    private const int FirstAlignmentFrames = 10;
    private const int ReflectionSpanMs = 50;       // early reflections: as strong as the direct path, never its rival
    private const float LostErle = 2f;              // 3 dB: the filter follows no echo path
    private const float FollowingErle = 10f;        // 10 dB: the filter removes most of the echo
    private const int ShapeTrustedFrames = 300;     // far-end frames after the filter last followed its path
    // A jitter buffer's move shows within a few frames of the loss, but one that waited out a burst moves again as it
    // catches up, by a pitch period at a time for a second or more, while a filter heard through a codec stays under
    // 10 dB between the moves. A filter that has struggled for longer than that is not looking at a moved path, and
    // the shift search (some 120k multiply-adds a frame) stops.
    private const int ShiftSearchFrames = 150;
    // A filter that followed its path and suddenly removes next to nothing, while its estimate is as loud as the
    // microphone and the error is its negative more than anything, subtracts the echo where it no longer is: the path
    // moved, and what is left is echo, whatever its level. Near-end talk that brings a following filter's ERLE under
    // 3 dB is at least as loud as the echo: the microphone then holds twice the estimate's power, and the error is the
    // talk, uncorrelated with the estimate. Killing a frame of talk costs a double-talk segment a decibel of SI-SDR,
    // hence three conditions and three frames.
    private const float MovedPathEstimateShare = 0.67f;
    private const float MovedPathCorrelation = -0.5f;
    private const int MovedPathFrames = 3;

    private readonly EchoCancellerOptions _options;
    private readonly int _block, _renderChannels, _captureChannels, _lookAhead, _headroom, _partitions;
    private readonly bool _simd;
    private readonly SpscFrameQueue _renderQueue;
    private readonly RenderHistory _history;
    private readonly DelayEstimator _delay;
    private readonly RenderSpectrumBuffer _render;
    private readonly LinearEchoCanceller[] _linear;
    private readonly EchoSuppressor[]? _suppressors;
    private readonly float[][] _lookAheadLines, _capture, _error, _echo, _output;
    private readonly float[] _mono, _zeroFrame;
    private readonly int[] _addedEchoFrames;
    private readonly DriftTracker _drift;
    private readonly PhaseDelayMeter _phaseDelay;
    private readonly PathShiftDetector _pathShift;

    private long _captureFrames, _renderUnderruns, _realignments;
    private long _renderFramesSeen;
    private double _alignment;      // render samples the filter window trails the capture by; fractional under drift
    private bool _aligned, _farEnd;
    private double _filterDelay = -1, _jumpTarget;
    private int _jumpFrames, _convergedFrames, _pathMove;
    // Capture shifts reported by the application, by the capture frame (modulo the length) whose processing they reach.
    private readonly int[] _reportedShifts;
    private int _framesSinceFollowing = ShapeTrustedFrames;
    private float _micPower, _outPower;
    private EchoCancellerStatistics _statistics;
    private int _statisticsVersion;

    /// <summary>Creates a canceller; throws <see cref="ArgumentException"/> when the options are invalid.</summary>
    public EchoCanceller(EchoCancellerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        int rate = options.SampleRate;
        _block = options.FrameSize;
        _renderChannels = options.RenderChannels;
        _captureChannels = options.CaptureChannels;
        _simd = options.UseSimd;
        _lookAhead = options.EffectiveLookAheadMs * rate / 1000;
        _headroom = (options.Mode == AecMode.Full ? 10 : 5) * rate / 1000;
        int tail = options.EffectiveTailMs * rate / 1000;
        _partitions = (tail + _headroom + _block - 1) / _block;
        int maxDelay = options.EffectiveMaxDelayMs * rate / 1000 + _lookAhead;

        var fft = new RealFft(2 * _block, _simd);
        _renderQueue = new SpscFrameQueue(_block * _renderChannels, Math.Max(2, options.RenderQueueMs / 10));
        int historyLength = Math.Max(maxDelay + _partitions * _block + 4 * _block, (int)(1.2 * rate));
        _history = new RenderHistory(_renderChannels, historyLength);
        _delay = new DelayEstimator(rate, maxDelay, _headroom, Math.Min(tail, ReflectionSpanMs * rate / 1000), _simd);
        int[] binLimit = BinLimits(rate, _block, _partitions);
        _render = new RenderSpectrumBuffer(_renderChannels, _partitions, _block, fft, _simd);
        _linear = new LinearEchoCanceller[_captureChannels];
        for (int c = 0; c < _captureChannels; c++) _linear[c] = new LinearEchoCanceller(_renderChannels, _partitions, _block, binLimit, fft, _simd);
        if (options.EnableSuppressor)
        {
            _suppressors = new EchoSuppressor[_captureChannels];
            // Render as loud as white noise at -50 dBFS in a bin is loud enough to learn the echo it leaves from.
            float strongRender = 1e-5f * 2 * _block * _partitions * _renderChannels;
            for (int c = 0; c < _captureChannels; c++) _suppressors[c] = new EchoSuppressor(_block, fft, options.EnableComfortNoise, options.Seed + c, _simd, strongRender, options.EchoThroughCodec);
        }
        _lookAheadLines = Jagged(_captureChannels, _lookAhead);
        _reportedShifts = new int[(_lookAhead + _block - 1) / _block + 1];
        _capture = Jagged(_captureChannels, _block);
        _error = Jagged(_captureChannels, _block);
        _echo = Jagged(_captureChannels, _block);
        _output = Jagged(_captureChannels, _block);
        _mono = new float[_block];
        _zeroFrame = new float[_block];
        _addedEchoFrames = new int[_captureChannels];
        _drift = new DriftTracker(rate);
        _phaseDelay = new PhaseDelayMeter(rate, maxDelay, _simd);
        _pathShift = new PathShiftDetector(rate, _simd);
        _history.ReserveFractionalReads(2 * _block);
        if (options.InitialDelayMs is { } initial)
        {
            SetAlignment(Math.Max(0, (long)initial * rate / 1000 + _lookAhead - _headroom));
            _aligned = true;
        }
        Publish();
    }

    private static float[][] Jagged(int n, int m)
    {
        var a = new float[n][];
        for (int i = 0; i < n; i++) a[i] = new float[m];
        return a;
    }

    // Above 8 kHz only the first third of the tail is modelled.
    private static int[] BinLimits(int rate, int block, int partitions)
    {
        int bins = block + 1;
        int lowBins = Math.Min(bins, 8000 * 2 * block / rate + 1);
        int highPartitions = Math.Max(1, partitions / 3);
        var limit = new int[partitions];
        for (int p = 0; p < partitions; p++) limit[p] = p < highPartitions ? bins : lowBins;
        return limit;
    }

    /// <summary>The options this canceller was built with.</summary>
    public EchoCancellerOptions Options => _options;

    /// <summary>Samples per channel in one 10 ms frame.</summary>
    public int FrameSize => _block;

    /// <summary>How many samples the output lags the microphone input: the look-ahead plus the suppressor's one-frame overlap.</summary>
    public int LatencySamples => _lookAhead + (_suppressors is null ? 0 : _block);

    /// <summary>Hands one 10 ms frame of render audio (interleaved, -1..1) to the canceller.</summary>
    public void ProcessRender(ReadOnlySpan<float> interleaved)
    {
        CheckFrame(interleaved.Length, _renderChannels, nameof(interleaved));
        _renderQueue.TryWrite(interleaved);
    }

    /// <summary>Hands one 10 ms frame of 16-bit render audio (interleaved) to the canceller.</summary>
    public void ProcessRender(ReadOnlySpan<short> interleaved)
    {
        CheckFrame(interleaved.Length, _renderChannels, nameof(interleaved));
        _renderQueue.TryWrite(interleaved);
    }

    /// <summary>Removes the echo from one 10 ms microphone frame (interleaved, -1..1) into <paramref name="output"/>.</summary>
    public void ProcessCapture(ReadOnlySpan<float> capture, Span<float> output)
    {
        CheckFrame(capture.Length, _captureChannels, nameof(capture));
        CheckFrame(output.Length, _captureChannels, nameof(output));
        for (int c = 0; c < _captureChannels; c++)
            for (int i = 0; i < _block; i++) _capture[c][i] = capture[i * _captureChannels + c];
        ProcessCaptureFrame();
        for (int c = 0; c < _captureChannels; c++)
            for (int i = 0; i < _block; i++) output[i * _captureChannels + c] = _output[c][i];
    }

    /// <summary>Removes the echo from one 10 ms 16-bit microphone frame (interleaved) into <paramref name="output"/>.</summary>
    public void ProcessCapture(ReadOnlySpan<short> capture, Span<short> output)
    {
        CheckFrame(capture.Length, _captureChannels, nameof(capture));
        CheckFrame(output.Length, _captureChannels, nameof(output));
        for (int c = 0; c < _captureChannels; c++)
            for (int i = 0; i < _block; i++) _capture[c][i] = capture[i * _captureChannels + c] * (1f / 32768f);
        ProcessCaptureFrame();
        for (int c = 0; c < _captureChannels; c++)
            for (int i = 0; i < _block; i++)
                output[i * _captureChannels + c] = (short)Math.Clamp(MathF.Round(_output[c][i] * 32768f), short.MinValue, short.MaxValue);
    }

    /// <summary>
    /// Tells the canceller that the capture stream has moved against the render by <paramref name="samples"/> outside the
    /// echo path: samples added to it (positive) or taken out of it (negative) after the last frame, as a jitter buffer
    /// whose output is the capture does when it conceals, stretches or re-buffers (a server's leg, whose microphone is the
    /// network). The echo then reaches the capture that much later or earlier; once the capture from after the move
    /// leaves the look-ahead, the canceller moves its filter window with the path and keeps what it learnt of the room.
    /// Call it from the capture thread, between frames.
    /// </summary>
    public void ReportCaptureShift(int samples)
    {
        int due = (int)((_captureFrames + _reportedShifts.Length - 1) % _reportedShifts.Length);
        _reportedShifts[due] += samples;
    }

    /// <summary>A consistent snapshot of the statistics; safe to call from any thread.</summary>
    public EchoCancellerStatistics GetStatistics()
    {
        while (true)
        {
            int before = Volatile.Read(ref _statisticsVersion);
            var snapshot = _statistics;
            Interlocked.MemoryBarrier();
            if ((before & 1) == 0 && before == Volatile.Read(ref _statisticsVersion)) return snapshot;
            Thread.SpinWait(1);
        }
    }

    private void CheckFrame(int length, int channels, string name)
    {
        if (length != _block * channels)
            throw new ArgumentException($"A frame must hold {_block * channels} samples ({_block} per channel x {channels} channels, 10 ms at {_options.SampleRate} Hz), not {length}.", name);
    }

    private void ProcessCaptureFrame()
    {
        DrainRender();
        ApplyLookAhead();
        for (int i = 0; i < _block; i++)
        {
            float sum = 0f;
            for (int c = 0; c < _captureChannels; c++) sum += _capture[c][i];
            _mono[i] = sum / _captureChannels;
        }
        _delay.AddCapture(_mono, _captureFrames);
        UpdateAlignment();
        if (_phaseDelay.Add(_mono, (_captureFrames + 1) * _block, out double time, out double delay)) _drift.Add(time, delay);

        if (_drift.Significant) _alignment = Math.Max(0, _alignment + _drift.Ratio * _block);
        double renderEnd = (_captureFrames + 1) * _block - _alignment;
        if (renderEnd > _history.Written)
        {
            _renderUnderruns++;
            // Until the delay is known the window ends at the capture position, so a render thread running a frame behind
            // the capture thread leaves its newest block unwritten, and a block pushed with a hole in it would teach the
            // filter wrong render over the whole window. The window moves back by the missing frames instead, by up to the
            // look-ahead (an echo that does not come before its render stays inside) or two frames; the delay estimate
            // places it on the echo later anyway.
            double behind = Math.Ceiling((renderEnd - _history.Written) / _block) * _block;
            if (!_aligned && _alignment + behind <= Math.Max(_lookAhead, 2 * _block))
            {
                SetAlignment(_alignment + behind);
                renderEnd -= behind;
            }
        }
        _render.Push(_history, renderEnd);
        bool farEnd = _farEnd = SpectralMath.Sum(_render.PowerSum, _simd) > 1e-7f * _block * _partitions * _renderChannels;
        int constrain = (int)(_captureFrames % _partitions);

        bool doubleTalk = false;
        float mic = 0f, output = 0f;
        for (int c = 0; c < _captureChannels; c++)
        {
            _linear[c].Process(_render, _capture[c], _error[c], _echo[c], constrain, adapt: true, _suppressors?[c].DoubleTalk ?? false);
            if (_suppressors is { } s)
            {
                var linear = _linear[c];
                float filterErle = linear.SingleTalkErle;
                bool addsEcho = farEnd && _framesSinceFollowing < ShapeTrustedFrames && linear.Erle < LostErle
                    && linear.EstimateShare > MovedPathEstimateShare && linear.EstimateErrorCorrelation < MovedPathCorrelation;
                _addedEchoFrames[c] = addsEcho ? _addedEchoFrames[c] + 1 : 0;
                bool pathMoved = _addedEchoFrames[c] >= MovedPathFrames;
                s[c].Process(_capture[c], _error[c], _echo[c], linear.ErrorRenderCoherence, linear.SteadyErrorRenderCoherence, _render.PowerSum,
                    filterErle < LostErle, filterErle > FollowingErle, pathMoved, farEnd, _output[c]);
                doubleTalk |= s[c].DoubleTalk;
            }
            else
            {
                _error[c].CopyTo(_output[c], 0);
            }
            mic += SpectralMath.Energy(_capture[c], _simd);
            output += SpectralMath.Energy(_output[c], _simd);
        }
        DetectPathShift(farEnd);
        if (farEnd && !doubleTalk)
        {
            _micPower += 0.05f * (mic - _micPower);
            _outPower += 0.05f * (output - _outPower);
        }
        _captureFrames++;
        Publish(farEnd, doubleTalk);
    }

    private void DrainRender()
    {
        while (_renderQueue.TryPeek(out var frame, out long position))
        {
            long start = position / _renderChannels;
            // Frames dropped on overflow: keep the estimator's block count in step with the stream.
            long missing = start / _block - _renderFramesSeen;
            for (long i = 0; i < Math.Min(missing, 128); i++) AddMonoRender(_zeroFrame);
            _history.Append(frame, start);
            for (int i = 0; i < _block; i++)
            {
                float sum = 0f;
                for (int r = 0; r < _renderChannels; r++) sum += frame[i * _renderChannels + r];
                _mono[i] = sum / _renderChannels;
            }
            AddMonoRender(_mono);
            _renderFramesSeen = start / _block + 1;
            _renderQueue.Advance();
        }
    }

    private void AddMonoRender(ReadOnlySpan<float> mono)
    {
        _delay.AddRender(mono);
        _phaseDelay.AddRender(mono);
    }

    // The capture is delayed by the look-ahead so that echo arriving before its render can be cancelled.
    private void ApplyLookAhead()
    {
        if (_lookAhead == 0) return;
        for (int c = 0; c < _captureChannels; c++)
        {
            var line = _lookAheadLines[c];
            var frame = _capture[c];
            for (int i = 0; i < _block; i++)
            {
                int slot = (int)((_captureFrames * _block + i) % _lookAhead);
                (line[slot], frame[i]) = (frame[i], line[slot]);
            }
        }
    }

    // The delay estimator places the filter (first estimate, or a jump the filter cannot follow) and points the
    // phase meter at the path; the drift the meter measures moves the alignment continuously; a converged
    // filter's own peak corrects what is left over in whole samples.
    private void UpdateAlignment()
    {
        int slot = (int)(_captureFrames % _reportedShifts.Length);
        _pathMove = Math.Max(_pathMove + _reportedShifts[slot], -(int)Math.Floor(_alignment));
        _reportedShifts[slot] = 0;
        if (_pathMove != 0)
        {
            MoveWindow(_pathMove, withPath: true);
            if (_filterDelay >= 0) _filterDelay += _pathMove;
            FollowPath(_filterDelay >= 0 ? _filterDelay : _alignment + _headroom);
            _pathMove = 0;
            return;
        }
        var lead = _linear[0];
        bool converged = lead.Erle > ConvergedErle;
        _convergedFrames = converged ? _convergedFrames + 1 : 0;
        if (converged) _filterDelay = _alignment + lead.PeakTap;
        if (_delay.HasEstimate && _delay.Confidence > 0.4)
        {
            double estimate = _delay.DelaySamples;
            if (!_phaseDelay.Running) FollowPath(estimate);
            // A jump needs an estimate that stays put for a quarter second, away from where the filter is.
            double modelled = _alignment + (converged ? lead.PeakTap : _headroom);
            // The echo has left the window when it comes sooner than the headroom allows (a jitter buffer draining).
            bool outside = estimate - _alignment < _headroom / 2 || Math.Abs(estimate - modelled) > Math.Max(_block, 2 * _headroom);
            // Double talk lowers the quick ERLE as much as a lost path does, and a talker whom the far end sends back
            // draws the estimate to its own voice: only the ERLE outside double talk says the path is lost.
            bool lost = _farEnd && lead.SingleTalkErle < LostErle && outside;
            bool steady = Math.Abs(estimate - _jumpTarget) < _headroom / 2;
            _jumpFrames = (lost || !_aligned) && steady ? _jumpFrames + 1 : 0;
            _jumpTarget = estimate;
            // The first estimates come from a few frames of correlation: the first placement waits for one to hold.
            if (_jumpFrames >= (_aligned ? DelayJumpFrames : FirstAlignmentFrames))
            {
                FollowPath(estimate);
                // A path the filter followed moved farther than the shift detector looks: the filter goes with it.
                int move = (int)Math.Round(estimate - _filterDelay);
                if (_aligned && _filterDelay >= 0 && _framesSinceFollowing < ShapeTrustedFrames && _alignment + move >= 0)
                    MoveWindow(move, withPath: true);
                else
                    SetAlignment(Math.Max(0, Math.Round(estimate) - _headroom));
                _aligned = true;
                _jumpFrames = 0;
                _filterDelay = -1;
                return;
            }
        }
        // Only a filter that has removed echo for a while has a peak worth following, and a drifting
        // peak moves a little at a time: a big move is a badly converged filter, not drift.
        if (_aligned && _convergedFrames >= 100)
        {
            int offset = lead.PeakTap - _headroom;
            if (Math.Abs(offset) > _headroom / 5 && Math.Abs(offset) <= _headroom && _alignment + offset >= 0) SetAlignment(_alignment + offset);
        }
    }

    // The phase meter measures a path's delay from a reference of its own, so the drift fit starts again with a new one.
    private void FollowPath(double estimate)
    {
        if (_phaseDelay.Follow(estimate)) _drift.Restart();
    }

    // When a filter that removed most of the echo suddenly stops doing so, its path has most often moved as a whole (a
    // jitter buffer before the loudspeaker): the window moves with the path, at the start of the next frame, and the
    // filter keeps the room it learnt.
    private void DetectPathShift(bool farEnd)
    {
        var lead = _linear[0];
        if (lead.SingleTalkErle > FollowingErle) _framesSinceFollowing = 0;
        else if (farEnd && _framesSinceFollowing < ShapeTrustedFrames) _framesSinceFollowing++;
        bool armed = _aligned && _framesSinceFollowing < ShiftSearchFrames && lead.SingleTalkErle < FollowingErle;
        if (!_pathShift.Add(_capture[0], lead.EchoEstimate, armed, out double shift)) return;
        int move = (int)Math.Round(shift);
        if (_alignment + move < 0) return;
        _pathMove = move;
        // A jitter buffer that stretched for a burst often catches up within a second, while a filter heard through a
        // codec has not yet got back to removing 10 dB: the search stays open for the move back.
        _framesSinceFollowing = 0;
    }

    private void SetAlignment(double alignment) => MoveWindow((int)Math.Round(alignment - _alignment), withPath: false);

    // The filters' taps keep the delays they model when only the window moves, and their place in the window when the
    // echo path moved with it; then the adaptive filter starts again from the fixed one, whose estimate measured the move.
    private void MoveWindow(int change, bool withPath)
    {
        if (change == 0) return;
        _alignment += change;
        foreach (var linear in _linear)
        {
            if (withPath) linear.ResumeFromFixed();
            else linear.Shift(Math.Clamp(change, -_partitions * _block, _partitions * _block));
        }
        _render.Rebuild(_history, _captureFrames * _block - _alignment);
        _pathShift.Reset();
        _realignments++;
    }

    private double CurrentDelaySamples()
    {
        if (_filterDelay >= 0) return _filterDelay - _lookAhead;
        return _delay.HasEstimate ? _delay.DelaySamples - _lookAhead : _alignment + _headroom - _lookAhead;
    }

    private void Publish(bool farEnd = false, bool doubleTalk = false)
    {
        double delayMs = CurrentDelaySamples() * 1000.0 / _options.SampleRate;
        var lead = _linear[0];
        var stats = new EchoCancellerStatistics
        {
            DelayMs = delayMs,
            DelayConfidence = _delay.Confidence,
            DriftPpm = _drift.Ratio * 1e6,
            ErleDb = 10 * Math.Log10((_micPower + 1e-10) / (_outPower + 1e-10)),
            LinearErleDb = 10 * Math.Log10(lead.Erle),
            DoubleTalk = doubleTalk,
            FarEndActive = farEnd,
            ActiveFilter = lead.ActiveFilter,
            DivergenceCount = Sum(static l => l.DivergenceCount),
            FilterCopyCount = Sum(static l => l.CopyCount),
            RealignmentCount = _realignments,
            FramesProcessed = _captureFrames,
            RenderOverruns = _renderQueue.DroppedFrames,
            RenderUnderruns = _renderUnderruns,
        };
        Interlocked.Increment(ref _statisticsVersion);
        _statistics = stats;
        Interlocked.Increment(ref _statisticsVersion);
    }

    private long Sum(Func<LinearEchoCanceller, long> counter)
    {
        long total = 0;
        foreach (var l in _linear) total += counter(l);
        return total;
    }
}
