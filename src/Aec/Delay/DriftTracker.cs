namespace Beryl.Aec.Delay;

/// <summary>
/// Measures the clock drift between render and capture as the slope of the delay measurements (the
/// <see cref="PhaseDelayMeter"/>'s) over the last seconds (least squares), so that the render stream can be
/// resampled to the capture clock and the linear filter sees an echo path that stands still.
/// </summary>
internal sealed class DriftTracker
{
    private const int Capacity = 32;
    private const double WindowSeconds = 10, MinimumSpanSeconds = 1;
    private const double MaximumScatterSeconds = 100e-6;   // RMS distance of the measurements from a drift's line

    /// <summary>The largest drift measured (1500 ppm): clocks further apart are broken, not drifting.</summary>
    public const double MaximumRatio = 1500e-6;
    // Estimates a step away from the history, in a run that agrees with itself: a new path once there are this many.
    private const int RivalsForNewPath = 4;
    private readonly double _sampleRate;
    private readonly double[] _time = new double[Capacity], _delay = new double[Capacity];
    private int _count, _next, _rivals;
    private double _rivalTime, _rivalDelay;

    public DriftTracker(int sampleRate) => _sampleRate = sampleRate;

    /// <summary>Measured drift (delay change per sample; +100e-6 is 100 ppm), or 0 until it is known.</summary>
    public double Ratio { get; private set; }

    /// <summary>True when the measured drift is large enough, and clearly enough above the estimates' scatter, to be compensated.</summary>
    public bool Significant { get; private set; }

    /// <summary>Adds a delay estimate (samples) taken at capture position <paramref name="time"/> (samples).</summary>
    public void Add(double time, double delay)
    {
        // A step no drift could make between two estimates is another path (a jump, or a rival peak such as a strong
        // reflection winning for a while): fitting a line through both would report a drift that is not there. One such
        // estimate is left out; only a run of them that agree with each other is a new path, and starts a new history.
        if (_count > 0)
        {
            int last = (_next + Capacity - 1) % Capacity;
            if (IsJump(_time[last], _delay[last], time, delay))
            {
                bool sameRival = _rivals > 0 && !IsJump(_rivalTime, _rivalDelay, time, delay);
                _rivals = sameRival ? _rivals + 1 : 1;
                (_rivalTime, _rivalDelay) = (time, delay);
                if (_rivals < RivalsForNewPath) return;
                Restart();
            }
        }
        _rivals = 0;
        _time[_next] = time;
        _delay[_next] = delay;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
        Fit(time);
    }

    /// <summary>
    /// Forgets the estimates (after a delay jump, older ones belong to another path). The drift measured from them is
    /// kept until the new ones measure it again: it belongs to the two clocks, not to the path.
    /// </summary>
    public void Restart()
    {
        _count = 0;
        _next = 0;
        _rivals = 0;
    }

    private bool IsJump(double fromTime, double fromDelay, double time, double delay) =>
        Math.Abs(delay - fromDelay) > _sampleRate / 1000 + MaximumRatio * (time - fromTime);

    private void Fit(double now)
    {
        double window = WindowSeconds * _sampleRate, n = 0, st = 0, sd = 0, stt = 0, std = 0, oldest = now;
        for (int i = 0; i < _count; i++)
        {
            if (now - _time[i] > window) continue;
            double t = _time[i] - now;
            n++;
            st += t;
            sd += _delay[i];
            stt += t * t;
            std += t * _delay[i];
            oldest = Math.Min(oldest, _time[i]);
        }
        if (n < 6 || now - oldest < MinimumSpanSeconds * _sampleRate) return;
        double denominator = n * stt - st * st;
        if (denominator <= 0) return;
        double slope = (n * std - st * sd) / denominator, intercept = (sd - slope * st) / n;
        double residual = 0;
        for (int i = 0; i < _count; i++)
        {
            if (now - _time[i] > window) continue;
            double e = _delay[i] - (intercept + slope * (_time[i] - now));
            residual += e * e;
        }
        // Standard error of the slope: a drift within four of them of zero may be scatter. Estimates further off the line
        // than their own precision are a path that bends (a jitter buffer stretching its playout), not two clocks.
        double error = Math.Sqrt(residual / Math.Max(1, n - 2) / (stt - st * st / n));
        Ratio = Math.Clamp(slope, -MaximumRatio, MaximumRatio);
        Significant = Math.Abs(slope) >= 15e-6 && Math.Abs(slope) > 4 * error && Math.Sqrt(residual / n) <= MaximumScatterSeconds * _sampleRate;
    }
}
