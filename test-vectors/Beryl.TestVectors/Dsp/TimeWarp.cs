namespace Beryl.TestVectors.Dsp;

/// <summary>
/// Delay and clock drift by band-limited interpolation: out[n] = y(n / (1 + drift) - delay),
/// with y zero outside its samples. Integer delays without drift are exact shifts.
/// </summary>
public static class TimeWarp
{
    private const int Phases = 512;

    /// <summary>Kernel taps for fractional positions p / Phases, p = 0..Phases (row-major, 2 * HalfWidth taps each).</summary>
    private static readonly Lazy<double[]> Bank = new(() =>
    {
        var kernel = SincKernel.Default;
        int w = kernel.HalfWidth, taps = 2 * w;
        var bank = new double[(Phases + 1) * taps];
        for (int p = 0; p <= Phases; p++)
            for (int j = 0; j < taps; j++) bank[p * taps + j] = kernel.Value((double)p / Phases - (j - w + 1));
        return bank;
    });

    /// <summary>
    /// Renders <paramref name="outLength"/> samples of y(n / (1 + <paramref name="drift"/>) - <paramref name="delaySamples"/>).
    /// </summary>
    /// <param name="y">Input on the render clock.</param>
    /// <param name="outLength">Number of output (capture clock) samples.</param>
    /// <param name="delaySamples">Bulk delay in render samples; negative values advance the signal.</param>
    /// <param name="drift">Relative clock offset (ppm * 1e-6): capture clock = render clock * (1 + drift).</param>
    public static double[] Apply(ReadOnlySpan<double> y, int outLength, double delaySamples, double drift)
    {
        var outp = new double[outLength];
        var kernel = SincKernel.Default;
        int w = kernel.HalfWidth;
        if (drift == 0 && delaySamples == Math.Round(delaySamples))
        {
            int d = (int)delaySamples;
            for (int n = 0; n < outLength; n++)
            {
                int k = n - d;
                if (k >= 0 && k < y.Length) outp[n] = y[k];
            }
            return outp;
        }
        double rate = 1.0 / (1.0 + drift);
        var bank = Bank.Value;
        int taps = 2 * w;
        for (int n = 0; n < outLength; n++)
        {
            double t = n * rate - delaySamples;
            double fl = Math.Floor(t);
            int k0 = (int)fl;
            if (k0 + w < 0 || k0 - w + 1 >= y.Length) continue;
            double pos = (t - fl) * Phases;
            int p = Math.Min((int)pos, Phases - 1);
            double f = pos - p;
            int b0 = p * taps, b1 = b0 + taps;
            double acc = 0;
            int first = k0 - w + 1;
            int jMin = Math.Max(0, -first);
            int jMax = Math.Min(taps - 1, y.Length - 1 - first);
            for (int j = jMin; j <= jMax; j++)
            {
                double c0 = bank[b0 + j];
                acc += y[first + j] * (c0 + f * (bank[b1 + j] - c0));
            }
            outp[n] = acc;
        }
        return outp;
    }
}
