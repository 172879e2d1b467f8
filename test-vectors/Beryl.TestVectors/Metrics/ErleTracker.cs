namespace Beryl.TestVectors;

/// <summary>200 ms window ERLE track and the convergence-time rule of the reference tool.</summary>
internal sealed class ErleTracker
{
    public const double WindowS = 0.2;
    public const double HoldS = 1.0;

    private readonly double[][] _mic, _out, _activity;
    private readonly double[][]? _noise;
    private readonly bool[] _farendOnly;
    private readonly bool _useNoise;
    private readonly int _sampleRate, _window, _n;

    public ErleTracker(double[][] mic, double[][] output, double[][] activity, double[][]? noise, bool hasEcho,
        bool[] farendOnly, int sampleRate)
    {
        _mic = mic;
        _out = output;
        _activity = activity;
        _noise = noise;
        _useNoise = noise != null && hasEcho;
        _farendOnly = farendOnly;
        _sampleRate = sampleRate;
        _window = (int)Math.Round(WindowS * sampleRate, MidpointRounding.ToEven);
        _n = mic[0].Length;
    }

    /// <summary>Reference level: 95th percentile of activity energy over far-end-only windows (set by the onset track).</summary>
    public double ReferenceLevel { get; set; }

    public sealed record Track(double[] Times, double[] Erle, double[] Activity, double[]? Noise, bool[] InFarend);

    public Track Compute(double startS)
    {
        int i0 = Math.Max(0, MetricMath.SecondsToSample(startS, _sampleRate));
        var starts = new List<int>();
        for (int a = i0; a <= _n - _window; a += _window) starts.Add(a);
        int k = starts.Count;
        var times = new double[k];
        var erl = new double[k];
        var act = new double[k];
        var nse = _noise != null ? new double[k] : null;
        var inFe = new bool[k];
        for (int j = 0; j < k; j++)
        {
            int a = starts[j];
            times[j] = (double)a / _sampleRate;
            act[j] = MetricMath.Energy(_activity, a, _window);
            if (nse != null) nse[j] = MetricMath.Energy(_noise!, a, _window);
            int cnt = 0;
            for (int i = a; i < a + _window; i++) if (_farendOnly[i]) cnt++;
            inFe[j] = (double)cnt / _window >= 0.9;
            erl[j] = MetricMath.DbRatio(MetricMath.Energy(_mic, a, _window), MetricMath.Energy(_out, a, _window)) ?? 0.0;
        }
        return new Track(times, erl, act, nse, inFe);
    }

    public bool[] Validity(Track t)
    {
        var v = new bool[t.Times.Length];
        for (int j = 0; j < v.Length; j++)
        {
            v[j] = t.InFarend[j] && t.Activity[j] > 1e-3 * ReferenceLevel && t.Activity[j] > 0;
            if (_useNoise && t.Noise != null) v[j] &= t.Activity[j] > 10.0 * t.Noise[j];
        }
        return v;
    }

    /// <summary>
    /// Start of the first run of valid windows at or after <paramref name="startS"/> whose ERLE exceeds
    /// <paramref name="thresholdDb"/> for HoldS of valid window time; invalid windows neither count nor break a run.
    /// </summary>
    public static double? FirstRun(double[] times, double[] erle, bool[] valid, double startS, double thresholdDb)
    {
        double? runStart = null;
        double acc = 0;
        for (int j = 0; j < times.Length; j++)
        {
            if (times[j] < startS - 1e-9 || !valid[j]) continue;
            if (erle[j] > thresholdDb)
            {
                if (runStart == null)
                {
                    runStart = times[j];
                    acc = 0;
                }
                acc += WindowS;
                if (acc >= HoldS - 1e-9) return runStart;
            }
            else
            {
                runStart = null;
                acc = 0;
            }
        }
        return null;
    }
}
