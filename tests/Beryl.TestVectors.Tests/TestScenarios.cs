using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Tests;

/// <summary>Small scenarios and signal helpers shared by the generator tests.</summary>
internal static class TestScenarios
{
    private static readonly Dictionary<ScenarioSpec, Scenario> Cache = new();

    public static ScenarioSpec Spec(string name, int seed = 7) => new(name, DurationS: 10, Seed: seed);

    /// <summary>Generates (memoised per spec) so several tests can share a render.</summary>
    public static Scenario Get(ScenarioSpec spec)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(spec, out var s)) Cache[spec] = s = ScenarioGenerator.Generate(spec);
            return s;
        }
    }

    public static double[] D(float[] x) => x.Select(v => (double)v).ToArray();

    /// <summary>Echo predicted from the far end and the stored RIRs: u = sum_s rir[m][s] * far_s, shifted by the bulk delay.</summary>
    public static double[][] PredictEcho(Scenario s, float[][] rir, IReadOnlyList<float[]>? loudspeaker = null)
    {
        var far = loudspeaker ?? s.Far;
        int render = far.Count, cap = s.Mic.Length;
        int delay = (int)Math.Round(s.Spec.DelayMs * s.SampleRate / 1000.0);
        var pred = new double[cap][];
        for (int m = 0; m < cap; m++)
        {
            var u = new double[s.Length + Math.Abs(delay) + rir[0].Length];
            for (int sp = 0; sp < render; sp++)
            {
                var part = FftConvolver.Convolve(D(far[sp]), D(rir[m * render + sp]));
                for (int i = 0; i < Math.Min(u.Length, part.Length); i++) u[i] += part[i];
            }
            pred[m] = TimeWarp.Apply(u, s.Length, delay, 0);
        }
        return pred;
    }

    /// <summary>10log10(residual energy / echo energy) over samples [a, b) of all channels.</summary>
    public static double ResidualDb(float[][] echo, double[][] pred, int a, int b)
    {
        double e = 0, r = 0;
        for (int c = 0; c < echo.Length; c++)
            for (int i = a; i < b; i++)
            {
                e += (double)echo[c][i] * echo[c][i];
                double d = echo[c][i] - pred[c][i];
                r += d * d;
            }
        return 10 * Math.Log10(r / e);
    }
}
