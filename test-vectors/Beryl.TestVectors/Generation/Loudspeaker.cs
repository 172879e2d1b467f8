namespace Beryl.TestVectors;

/// <summary>Loudspeaker nonlinearity applied to the far-end signal.</summary>
public static class Loudspeaker
{
    /// <summary>Statistics of an applied nonlinearity.</summary>
    /// <param name="LevelLinear">Clip level / tanh limit (linear amplitude).</param>
    /// <param name="FractionAboveLevel">Fraction of active far samples whose magnitude exceeds the level.</param>
    /// <param name="LinearFitSdrDb">SDR of the best scalar linear fit of the output by the input, dB.</param>
    public sealed record Stats(double LevelLinear, double FractionAboveLevel, double LinearFitSdrDb);

    /// <summary>
    /// Applies <paramref name="nl"/> with level = far active RMS + <paramref name="levelDb"/>:
    /// hard clip y = clamp(x, -L, L) or soft y = L tanh(x / L); linear returns a copy.
    /// </summary>
    public static double[][] Apply(IReadOnlyList<float[]> far, Nonlinearity nl, double farActiveDbfs, double levelDb, out Stats? stats)
    {
        double level = Math.Pow(10, (farActiveDbfs + levelDb) / 20);
        var y = new double[far.Count][];
        long above = 0, active = 0;
        double xx = 0, xy = 0, yy = 0;
        double activeThr = Math.Pow(10, (farActiveDbfs - 30) / 20);
        for (int c = 0; c < far.Count; c++)
        {
            var x = far[c];
            y[c] = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                double v = x[i];
                double o = nl switch
                {
                    Nonlinearity.HardClip => Math.Clamp(v, -level, level),
                    Nonlinearity.SoftTanh => level * Math.Tanh(v / level),
                    _ => v,
                };
                y[c][i] = o;
                if (Math.Abs(v) > activeThr)
                {
                    active++;
                    if (Math.Abs(v) > level) above++;
                }
                xx += v * v;
                xy += v * o;
                yy += o * o;
            }
        }
        if (nl == Nonlinearity.None)
        {
            stats = null;
            return y;
        }
        double alpha = xx > 0 ? xy / xx : 0;
        double resid = yy - 2 * alpha * xy + alpha * alpha * xx;
        double sdr = resid > 0 ? 10 * Math.Log10(alpha * alpha * xx / resid) : 100;
        stats = new Stats(level, active > 0 ? (double)above / active : 0, Math.Min(100, sdr));
        return y;
    }
}
