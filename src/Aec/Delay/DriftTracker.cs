namespace Beryl.Aec.Delay;

/// <summary>
/// Measures the clock drift between render and capture as the slope of the delay estimates over the
/// last seconds (least squares), so that the render stream can be resampled to the capture clock and
/// the linear filter sees an echo path that stands still.
/// </summary>
internal sealed class DriftTracker
{
    private const int Capacity = 32;
    private const double WindowSeconds = 10, MinimumSpanSeconds = 2;
    private const double MaximumRatio = 1500e-6;
    private readonly double _sampleRate;
    private readonly double[] _time = new double[Capacity], _delay = new double[Capacity];
    private int _count, _next;

    public DriftTracker(int sampleRate) => _sampleRate = sampleRate;

    /// <summary>Measured drift (delay change per sample; +100e-6 is 100 ppm), or 0 until it is known.</summary>
    public double Ratio { get; private set; }

    /// <summary>True when the measured drift is large enough, and clearly enough above the estimates' scatter, to be compensated.</summary>
    public bool Significant { get; private set; }

    /// <summary>Adds a delay estimate (samples) taken at capture position <paramref name="time"/> (samples).</summary>
    public void Add(double time, double delay)
    {
        // A step no drift could make between two estimates is another path (a jump, or a rival peak such as a strong
        // reflection winning for a while): fitting a line through both would report a drift that is not there.
        if (_count > 0)
        {
            int last = (_next + Capacity - 1) % Capacity;
            double step = Math.Abs(delay - _delay[last]), elapsed = time - _time[last];
            if (step > _sampleRate / 1000 + MaximumRatio * elapsed) Restart();
        }
        _time[_next] = time;
        _delay[_next] = delay;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
        Fit(time);
    }

    /// <summary>Forgets the history and the drift measured from it (after a delay jump, older estimates belong to another path).</summary>
    public void Restart()
    {
        _count = 0;
        _next = 0;
        Ratio = 0;
        Significant = false;
    }

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
        // Standard error of the slope: a drift within four of them of zero may be scatter.
        double error = Math.Sqrt(residual / Math.Max(1, n - 2) / (stt - st * st / n));
        Ratio = Math.Clamp(slope, -MaximumRatio, MaximumRatio);
        Significant = Math.Abs(slope) >= 15e-6 && Math.Abs(slope) > 4 * error;
    }
}
