namespace Beryl.TestVectors.Dsp;

/// <summary>
/// Delay and clock drift by band-limited interpolation: out[n] = y(n / (1 + drift) - delay),
/// with y zero outside its samples. Integer delays without drift are exact shifts.
/// </summary>
public static class TimeWarp
{
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
        var taps = new double[2 * w];
        double lastFrac = double.NaN;
        for (int n = 0; n < outLength; n++)
        {
            double t = n * rate - delaySamples;
            double fl = Math.Floor(t);
            int k0 = (int)fl;
            double frac = t - fl;
            if (k0 + w < 0 || k0 - w + 1 >= y.Length) continue;
            if (frac != lastFrac)
            {
                for (int j = 0; j < 2 * w; j++) taps[j] = kernel.Value(frac - (j - w + 1));
                lastFrac = frac;
            }
            double acc = 0;
            int jMin = Math.Max(0, -(k0 - w + 1));
            int jMax = Math.Min(2 * w - 1, y.Length - 1 - (k0 - w + 1));
            for (int j = jMin; j <= jMax; j++) acc += y[k0 - w + 1 + j] * taps[j];
            outp[n] = acc;
        }
        return outp;
    }
}
