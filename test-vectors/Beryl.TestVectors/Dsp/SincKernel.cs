namespace Beryl.TestVectors.Dsp;

/// <summary>
/// Tabulated Kaiser-windowed sinc g(v) = sinc(v) * kaiser(v / HalfWidth) for |v| &lt; HalfWidth
/// (v in zero crossings), read with linear interpolation between table points.
/// </summary>
public sealed class SincKernel
{
    /// <summary>Shared default kernel: 16 zero crossings each side, Kaiser beta 9, 1024 points per crossing.</summary>
    public static SincKernel Default { get; } = new(16, 9.0, 1024);

    private readonly double[] _table;

    /// <summary>Builds the table.</summary>
    public SincKernel(int halfWidth, double kaiserBeta, int oversample)
    {
        if (halfWidth < 1 || oversample < 1) throw new ArgumentOutOfRangeException(nameof(halfWidth));
        HalfWidth = halfWidth;
        Oversample = oversample;
        _table = new double[halfWidth * oversample + 2];
        double i0Beta = BesselI0(kaiserBeta);
        for (int i = 0; i < _table.Length; i++)
        {
            double v = (double)i / oversample;
            if (v >= halfWidth)
            {
                _table[i] = 0;
                continue;
            }
            double sinc = i == 0 ? 1.0 : Math.Sin(Math.PI * v) / (Math.PI * v);
            double r = v / halfWidth;
            _table[i] = sinc * BesselI0(kaiserBeta * Math.Sqrt(1 - r * r)) / i0Beta;
        }
    }

    /// <summary>Half width in zero crossings.</summary>
    public int HalfWidth { get; }

    /// <summary>Table points per zero crossing.</summary>
    public int Oversample { get; }

    /// <summary>g(v), zero outside the support.</summary>
    public double Value(double v)
    {
        double pos = Math.Abs(v) * Oversample;
        if (pos >= HalfWidth * Oversample) return 0.0;
        int i = (int)pos;
        double f = pos - i;
        return _table[i] + f * (_table[i + 1] - _table[i]);
    }

    /// <summary>Modified Bessel function of the first kind, order 0 (power series).</summary>
    public static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return sum;
    }
}
