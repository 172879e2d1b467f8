namespace Beryl.TestVectors;

/// <summary>Building blocks of the quality figures (energies, dB ratios, SI-SDR, masks).</summary>
public static class MetricMath
{
    /// <summary>Clamp of all dB figures.</summary>
    public const double Clamp = 100.0;

    /// <summary>
    /// 10log10(num/den) clamped to +-100 dB; null when both are zero; +100 when only den is zero;
    /// -100 when only num is zero.
    /// </summary>
    public static double? DbRatio(double num, double den)
    {
        if (num <= 0 && den <= 0) return null;
        if (den <= 0) return Clamp;
        if (num <= 0) return -Clamp;
        return Math.Max(-Clamp, Math.Min(Clamp, 10 * Math.Log10(num / den)));
    }

    /// <summary>Sum of squares over all channels on the samples where <paramref name="mask"/> is true (all when null).</summary>
    public static double Energy(double[][] x, bool[]? mask = null)
    {
        double e = 0;
        foreach (var ch in x)
        {
            for (int i = 0; i < ch.Length; i++)
                if (mask == null || mask[i]) e += ch[i] * ch[i];
        }
        return e;
    }

    /// <summary>Sum of squares over all channels of samples [start, start+length).</summary>
    public static double Energy(double[][] x, int start, int length)
    {
        double e = 0;
        foreach (var ch in x)
            for (int i = start; i < start + length; i++) e += ch[i] * ch[i];
        return e;
    }

    /// <summary>Number of true entries.</summary>
    public static int Count(bool[] mask) => mask.Count(b => b);

    /// <summary>
    /// Scale-invariant SDR of <paramref name="est"/> against <paramref name="reference"/> on the masked samples,
    /// per channel (both mean-removed) and averaged, plus 20log10 of the mean projection gain.
    /// Channels whose reference is (nearly) silent are skipped; a silent estimate scores -100 dB with gain 0.
    /// </summary>
    public static (double? SiSdrDb, double? GainDb) SiSdr(double[][] est, double[][] reference, bool[]? mask = null)
    {
        var vals = new List<double>();
        var gains = new List<double>();
        for (int c = 0; c < reference.Length; c++)
        {
            double[] r = reference[c], e = est[c];
            int count = 0;
            double mr = 0, me = 0;
            for (int i = 0; i < r.Length; i++)
            {
                if (mask != null && !mask[i]) continue;
                mr += r[i];
                me += e[i];
                count++;
            }
            if (count == 0) continue;
            mr /= count;
            me /= count;
            double rr = 0, ee = 0, er = 0;
            for (int i = 0; i < r.Length; i++)
            {
                if (mask != null && !mask[i]) continue;
                double rv = r[i] - mr, ev = e[i] - me;
                rr += rv * rv;
                ee += ev * ev;
                er += ev * rv;
            }
            if (rr <= 1e-12 * Math.Max(1, count)) continue;
            if (ee <= 0)
            {
                vals.Add(-Clamp);
                gains.Add(0);
                continue;
            }
            double alpha = er / rr;
            double tt = 0, res = 0;
            for (int i = 0; i < r.Length; i++)
            {
                if (mask != null && !mask[i]) continue;
                double t = alpha * (r[i] - mr);
                double d = (e[i] - me) - t;
                tt += t * t;
                res += d * d;
            }
            vals.Add(DbRatio(tt, res) ?? 0);
            gains.Add(alpha);
        }
        if (vals.Count == 0) return (null, null);
        double g = gains.Average();
        double gdb = g != 0 ? Math.Max(-Clamp, Math.Min(Clamp, 20 * Math.Log10(Math.Abs(g)))) : -Clamp;
        return (vals.Average(), gdb);
    }

    /// <summary>Python-style round to nearest, ties to even, of seconds * rate.</summary>
    public static int SecondsToSample(double seconds, int sampleRate) => (int)Math.Round(seconds * sampleRate, MidpointRounding.ToEven);

    /// <summary>
    /// Sample mask of the segments with one of <paramref name="labels"/>; samples before <paramref name="tMin"/> removed.
    /// </summary>
    public static bool[] SegmentMask(int n, int sampleRate, IEnumerable<ScenarioSegment> segments, IReadOnlyCollection<SegmentLabel> labels, double? tMin = null)
    {
        var m = new bool[n];
        foreach (var s in segments)
        {
            if (!labels.Contains(s.Label)) continue;
            int a = Math.Max(0, SecondsToSample(s.StartS, sampleRate));
            int b = Math.Max(0, Math.Min(n, SecondsToSample(s.EndS, sampleRate)));
            for (int i = a; i < b; i++) m[i] = true;
        }
        if (tMin is double t)
        {
            int cut = Math.Max(0, Math.Min(n, SecondsToSample(t, sampleRate)));
            Array.Clear(m, 0, cut);
        }
        return m;
    }

    /// <summary>Percentile with linear interpolation between order statistics (numpy's default).</summary>
    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        var s = values.OrderBy(v => v).ToArray();
        double pos = percent / 100.0 * (s.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(s.Length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    /// <summary>Median (mean of the two middle values for even counts).</summary>
    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    /// <summary>y[n] = x[n + lag], zero padded.</summary>
    public static double[] Shift(double[] x, int lag)
    {
        if (lag == 0) return x;
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int j = i + lag;
            if (j >= 0 && j < x.Length) y[i] = x[j];
        }
        return y;
    }

    /// <summary>
    /// Converts to double, pads/truncates to <paramref name="n"/> samples and <paramref name="channels"/>
    /// channels (a mono input is repeated; missing channels are zero).
    /// </summary>
    public static double[][] Fit(IReadOnlyList<float[]> x, int n, int channels)
    {
        var y = new double[channels][];
        for (int c = 0; c < channels; c++)
        {
            y[c] = new double[n];
            float[]? src = x.Count == 1 ? x[0] : c < x.Count ? x[c] : null;
            if (src == null) continue;
            int len = Math.Min(n, src.Length);
            for (int i = 0; i < len; i++) y[c][i] = src[i];
        }
        return y;
    }

    /// <summary>Rounds to 3 decimals (null stays null).</summary>
    public static double? Round3(double? v) => v is double d ? Math.Round(d, 3) : null;
}
