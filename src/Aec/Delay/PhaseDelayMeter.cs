using Beryl.Aec.Fft;
using Beryl.Aec.Simd;

namespace Beryl.Aec.Delay;

/// <summary>
/// Follows the echo delay of one path to a small fraction of a sample, for the drift tracker. The correlation peak
/// of the delay estimator scatters by most of a sample; the phase of a cross-spectrum does not. Capture and render,
/// the render taken at a whole-sample lag near the echo delay, are cross-multiplied in Hann-windowed blocks and summed
/// over segments of far-end talk. A delay change of t samples between two segments turns bin k by -2*pi*k*t/N
/// whatever the room does to it, so comparing each segment's phases with a reference segment of the same path
/// measures the change, every bin weighted by how coherent it is in both. Above 16 kHz both are decimated to 16 kHz
/// first: speech says no more about the delay above 8 kHz, and the windows cost a third.
/// </summary>
internal sealed class PhaseDelayMeter
{
    private const int WindowBlocks = 4;               // 40 ms windows, a new one every 10 ms
    private const int SegmentWindows = 25;            // windows of far-end talk per measurement, a quarter second
    private const float ActiveEnergy = 1e-6f;         // -60 dBFS mean square: a frame that carries render and echo
    private const double MinimumAgreement = 0.5;      // weighted phase agreement with the reference, 0..1
    private const int FailuresToStop = 4;
    private const double ScanStep = 0.125;            // samples
    private const int MeterRate = 16000;
    // Once a path has been measured for ten seconds its drift is known, and a segment a second keeps it so at a quarter
    // of the cost.
    private const int SettledMeasurements = 40, SettledRestFrames = 75;

    private readonly int _factor, _block, _size, _bins;
    private readonly bool _simd;
    private readonly double _sameHere;              // an estimate this close to the lag is the path followed
    private readonly RealFft _fft;
    private readonly Decimator? _renderDecimator, _captureDecimator;
    private readonly RenderHistory _history;
    private readonly float[] _hann, _frame, _capture, _render, _windowed, _xRe, _xIm, _yRe, _yIm;
    private readonly double[] _cRe, _cIm, _renderPower, _capturePower, _coherence, _refRe, _refIm, _refWeight;
    private long _lag;
    private double _timeSum, _weightSum, _lastTime;
    private int _frames, _failures, _measurements, _rest;
    private bool _hasReference;

    /// <param name="sampleRate">Rate of the audio fed in.</param>
    /// <param name="maxDelaySamples">Longest delay followed, in samples at <paramref name="sampleRate"/>.</param>
    /// <param name="simd">Use the vector kernels.</param>
    public PhaseDelayMeter(int sampleRate, int maxDelaySamples, bool simd)
    {
        _sameHere = sampleRate / 1000;
        _factor = Math.Max(1, sampleRate / MeterRate);
        int rate = sampleRate / _factor;
        if (_factor > 1)
        {
            _renderDecimator = new Decimator(sampleRate, rate);
            _captureDecimator = new Decimator(sampleRate, rate);
        }
        _block = rate / 100;
        _simd = simd;
        _size = WindowBlocks * _block;
        _bins = _size / 2 + 1;
        _fft = new RealFft(_size, simd);
        _hann = new float[_size];
        for (int i = 0; i < _size; i++) _hann[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 0.5) / _size));
        _history = new RenderHistory(1, maxDelaySamples / _factor + _size + 2 * _block);
        _frame = new float[_block];
        _capture = new float[_size];
        _render = new float[_size];
        _windowed = new float[_size];
        _xRe = new float[_bins]; _xIm = new float[_bins]; _yRe = new float[_bins]; _yIm = new float[_bins];
        _cRe = new double[_bins]; _cIm = new double[_bins];
        _renderPower = new double[_bins]; _capturePower = new double[_bins]; _coherence = new double[_bins];
        _refRe = new double[_bins]; _refIm = new double[_bins]; _refWeight = new double[_bins];
    }

    /// <summary>True while the meter follows a path.</summary>
    public bool Running { get; private set; }

    /// <summary>
    /// Follows the path at <paramref name="delaySamples"/>: keeps measuring when that is the path followed already,
    /// otherwise forgets it and starts again there. Returns true when it started again.
    /// </summary>
    public bool Follow(double delaySamples)
    {
        if (Running && Math.Abs(delaySamples - _lag * _factor) <= _sameHere) return false;
        Start(delaySamples);
        return true;
    }

    private void Start(double delaySamples)
    {
        Running = true;
        _hasReference = false;
        _failures = _measurements = _rest = 0;
        _lag = (long)Math.Round(delaySamples / _factor);
        ClearSegment();
    }

    /// <summary>Feeds one 10 ms frame of mono render audio; a frame lost on the way is fed as silence.</summary>
    public void AddRender(ReadOnlySpan<float> mono) => _history.Append(Decimate(_renderDecimator, mono), _history.Written);

    private ReadOnlySpan<float> Decimate(Decimator? decimator, ReadOnlySpan<float> frame)
    {
        if (decimator is null) return frame;
        return _frame.AsSpan(0, decimator.Process(frame, _frame));
    }

    /// <summary>
    /// Feeds one 10 ms frame of the processed capture stream, which ends at capture position <paramref name="captureEnd"/>.
    /// Returns true, with the capture position and the delay of the path there (samples at the rate fed in), when a
    /// segment is complete and agrees with the reference well enough to be measured.
    /// </summary>
    public bool Add(ReadOnlySpan<float> capture, long captureEnd, out double time, out double delay)
    {
        time = delay = 0;
        _capture.AsSpan(_block).CopyTo(_capture);
        Decimate(_captureDecimator, capture).CopyTo(_capture.AsSpan(_size - _block));
        long end = captureEnd / _factor;
        if (_rest > 0)
        {
            _rest--;
            return false;
        }
        if (!Running || end - _lag > _history.Written) return false;

        _history.Read(0, end - _lag - _size, _render);
        float renderEnergy = SpectralMath.Energy(_render, _simd) / _size, captureEnergy = SpectralMath.Energy(_capture, _simd) / _size;
        if (renderEnergy < ActiveEnergy || captureEnergy < ActiveEnergy) return false;
        Transform(_render, _xRe, _xIm);
        Transform(_capture, _yRe, _yIm);
        for (int k = 0; k < _bins; k++)
        {
            double xr = _xRe[k], xi = _xIm[k], yr = _yRe[k], yi = _yIm[k];
            _cRe[k] += yr * xr + yi * xi;
            _cIm[k] += yi * xr - yr * xi;
            _renderPower[k] += xr * xr + xi * xi;
            _capturePower[k] += yr * yr + yi * yi;
        }
        // The path moves during a segment, and its phases are those of the loud frames: the time measured is theirs.
        double weight = Math.Sqrt((double)renderEnergy * captureEnergy);
        _timeSum += weight * (end - _size / 2);
        _weightSum += weight;
        if (++_frames < SegmentWindows) return false;

        bool measured = Measure(out time, out delay);
        ClearSegment();
        if (measured && ++_measurements >= SettledMeasurements) _rest = SettledRestFrames;
        (time, delay) = (time * _factor, delay * _factor);
        return measured;
    }

    private void Transform(float[] x, float[] re, float[] im)
    {
        for (int i = 0; i < _size; i++) _windowed[i] = x[i] * _hann[i];
        _fft.Forward(_windowed, re, im);
    }

    private void ClearSegment()
    {
        Array.Clear(_cRe); Array.Clear(_cIm);
        Array.Clear(_renderPower); Array.Clear(_capturePower);
        _timeSum = _weightSum = 0;
        _frames = 0;
    }

    // The segment's unit cross-spectrum and each bin's coherence; the first segment of a path becomes its reference, with
    // the delay there taken as the lag. Its own offset from the lag is unknown, so it is no measurement: the ones after
    // it share that offset, which does not change a slope.
    private bool Measure(out double time, out double delay)
    {
        time = _timeSum / _weightSum;
        delay = 0;
        for (int k = 1; k < _bins - 1; k++)
        {
            double magnitude = Math.Sqrt(_cRe[k] * _cRe[k] + _cIm[k] * _cIm[k]);
            double coherence = magnitude * magnitude / (_renderPower[k] * _capturePower[k] + 1e-30);
            double unit = 1 / (magnitude + 1e-30);
            _cRe[k] *= unit;
            _cIm[k] *= unit;
            _coherence[k] = coherence;
        }
        if (!_hasReference)
        {
            for (int k = 1; k < _bins - 1; k++) (_refRe[k], _refIm[k], _refWeight[k]) = (_cRe[k], _cIm[k], _coherence[k]);
            _hasReference = true;
            _lastTime = time;
            return false;
        }

        // The change t maximises sum w_k cos(phase_k + w_k t), phase_k the segment's phase minus the reference's: the
        // inverse transform gives that sum at whole samples; around the best within half a block, a finer scan and Newton
        // steps find the peak.
        double totalWeight = 0;
        for (int k = 1; k < _bins - 1; k++)
        {
            double re = _cRe[k] * _refRe[k] + _cIm[k] * _refIm[k], im = _cIm[k] * _refRe[k] - _cRe[k] * _refIm[k];
            double weight = _coherence[k] * _refWeight[k];
            (_cRe[k], _cIm[k]) = (re * weight, im * weight);
            _xRe[k] = (float)_cRe[k];
            _xIm[k] = (float)_cIm[k];
            totalWeight += weight;
        }
        if (totalWeight <= 0) return Fail();
        _xRe[0] = _xIm[0] = _xRe[_bins - 1] = _xIm[_bins - 1] = 0f;
        _fft.Inverse(_xRe, _xIm, _windowed);
        int bestLag = 0;
        for (int t = -_block / 2; t <= _block / 2; t++)
            if (_windowed[(t + _size) % _size] > _windowed[(bestLag + _size) % _size]) bestLag = t;
        double change = bestLag, best = double.NegativeInfinity;
        for (double t = bestLag - 1; t <= bestLag + 1; t += ScanStep)
        {
            double score = Agreement(t, out _, out _);
            if (score > best) (best, change) = (score, t);
        }
        for (int i = 0; i < 3; i++)
        {
            Agreement(change, out double slope, out double curvature);
            if (curvature >= 0) break;
            change -= Math.Clamp(slope / curvature, -ScanStep, ScanStep);
        }
        // The lag followed the last measurement, so the path can have moved only as far as a drift moves it since then.
        // A step (a jitter buffer's, say) is left to the delay estimator: the meter stops, and starts again on the new path.
        if (Math.Abs(change) > 1 + DriftTracker.MaximumRatio * (time - _lastTime)) return Fail();
        double agreement = Agreement(change, out _, out _) / totalWeight;
        if (agreement < MinimumAgreement) return Fail();
        _failures = 0;
        _lastTime = time;
        // The reference's delay is taken as its lag, and the lag has moved with the path since: the change is from this lag.
        delay = _lag + change;
        _lag = (long)Math.Round(delay);
        return true;
    }

    private double Agreement(double change, out double slope, out double curvature)
    {
        double score = 0;
        slope = curvature = 0;
        double step = 2 * Math.PI / _size;     // radians per sample at bin 1
        // The rotation of bin k is the k-th power of bin 1's: one complex product a bin instead of a cosine and a sine.
        double baseCos = Math.Cos(step * change), baseSin = Math.Sin(step * change), cos = baseCos, sin = baseSin;
        for (int k = 1; k < _bins - 1; k++)
        {
            double w = step * k;
            double re = _cRe[k] * cos - _cIm[k] * sin, im = _cRe[k] * sin + _cIm[k] * cos;
            score += re;
            slope -= w * im;
            curvature -= w * w * re;
            (cos, sin) = (cos * baseCos - sin * baseSin, cos * baseSin + sin * baseCos);
        }
        return score;
    }

    private bool Fail()
    {
        if (++_failures >= FailuresToStop) Running = false;
        return false;
    }
}
