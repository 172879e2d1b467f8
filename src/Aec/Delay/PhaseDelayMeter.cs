using Beryl.Aec.Fft;
using Beryl.Aec.Simd;

namespace Beryl.Aec.Delay;

/// <summary>
/// Follows the echo delay of one path to a small fraction of a sample, for the drift tracker. The correlation peak
/// of the delay estimator scatters by most of a sample; the phase of a cross-spectrum does not. Capture and render,
/// the render taken at a whole-sample lag near the echo delay, are cross-multiplied in Hann-windowed blocks and summed
/// over segments of far-end talk. A delay change of t samples between two segments turns bin k by -2*pi*k*t/N
/// whatever the room does to it, so comparing each segment's phases with a reference segment of the same path
/// measures the change, every bin weighted by how coherent it is in both.
/// </summary>
internal sealed class PhaseDelayMeter
{
    private const int SegmentFrames = 25;             // frames of far-end talk per measurement
    private const float ActiveEnergy = 1e-6f;         // -60 dBFS mean square: a frame that carries render and echo
    private const double MinimumAgreement = 0.5;      // weighted phase agreement with the reference, 0..1
    private const int FailuresToStop = 4;
    private const int WindowBlocks = 4;
    private const double ScanStep = 0.125;            // samples

    private readonly int _block, _size, _bins;
    private readonly bool _simd;
    private readonly double _sameHere;              // an estimate this close to the lag is the path followed
    private readonly RealFft _fft;
    private readonly float[] _hann, _capture, _render, _windowed, _channel, _xRe, _xIm, _yRe, _yIm;
    private readonly double[] _cRe, _cIm, _renderPower, _capturePower, _coherence, _refRe, _refIm, _refWeight;
    private long _lag;
    private double _timeSum, _weightSum, _lastTime;
    private int _frames, _failures;
    private bool _hasReference;

    public PhaseDelayMeter(int sampleRate, int block, bool simd)
    {
        _sameHere = sampleRate / 1000;
        _block = block;
        _simd = simd;
        _size = WindowBlocks * block;
        _bins = _size / 2 + 1;
        _fft = new RealFft(_size, simd);
        _hann = new float[_size];
        for (int i = 0; i < _size; i++) _hann[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 0.5) / _size));
        _capture = new float[_size];
        _render = new float[_size];
        _windowed = new float[_size];
        _channel = new float[_size];
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
        if (Running && Math.Abs(delaySamples - _lag) <= _sameHere) return false;
        Start(delaySamples);
        return true;
    }

    private void Start(double delaySamples)
    {
        Running = true;
        _hasReference = false;
        _failures = 0;
        _lag = (long)Math.Round(delaySamples);
        ClearSegment();
    }

    /// <summary>
    /// Feeds one frame of the processed capture stream, which ends at capture position <paramref name="captureEnd"/>.
    /// Returns true, with the capture position and the delay of the path there, when a segment is complete and agrees
    /// with the reference well enough to be measured.
    /// </summary>
    public bool Add(ReadOnlySpan<float> capture, long captureEnd, RenderHistory history, out double time, out double delay)
    {
        time = delay = 0;
        _capture.AsSpan(_block).CopyTo(_capture);
        capture.CopyTo(_capture.AsSpan(_size - _block));
        if (!Running || captureEnd - _lag > history.Written) return false;

        ReadRender(history, captureEnd - _lag - _size);
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
        _timeSum += weight * (captureEnd - _size / 2);
        _weightSum += weight;
        if (++_frames < SegmentFrames) return false;

        bool measured = Measure(out time, out delay);
        ClearSegment();
        return measured;
    }

    private void ReadRender(RenderHistory history, long start)
    {
        history.Read(0, start, _render);
        for (int c = 1; c < history.Channels; c++)
        {
            history.Read(c, start, _channel);
            for (int i = 0; i < _size; i++) _render[i] += _channel[i];
        }
        if (history.Channels > 1)
            for (int i = 0; i < _size; i++) _render[i] /= history.Channels;
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
        for (int k = 1; k < _bins - 1; k++)
        {
            double w = step * k, angle = w * change;
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            double re = _cRe[k] * cos - _cIm[k] * sin, im = _cRe[k] * sin + _cIm[k] * cos;
            score += re;
            slope -= w * im;
            curvature -= w * w * re;
        }
        return score;
    }

    private bool Fail()
    {
        if (++_failures >= FailuresToStop) Running = false;
        return false;
    }
}
