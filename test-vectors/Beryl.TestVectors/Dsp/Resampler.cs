namespace Beryl.TestVectors.Dsp;

/// <summary>Band-limited sample-rate conversion by windowed-sinc interpolation (arbitrary integer rates).</summary>
public static class Resampler
{
    /// <summary>Fraction of the lower Nyquist frequency kept by the anti-alias/anti-image filter.</summary>
    public const double Passband = 0.94;

    /// <summary>
    /// Resamples <paramref name="x"/> from <paramref name="inRate"/> to <paramref name="outRate"/>;
    /// the output has round(x.Length * outRate / inRate) samples and the same time origin.
    /// Uses precomputed polyphase kernels (the ratio reduced to L/M has at most 4096 phases).
    /// </summary>
    public static float[] Resample(ReadOnlySpan<float> x, int inRate, int outRate)
    {
        if (inRate <= 0 || outRate <= 0) throw new ArgumentOutOfRangeException(nameof(inRate), "Rates must be positive.");
        if (inRate == outRate) return x.ToArray();
        var kernel = SincKernel.Default;
        int g = Gcd(inRate, outRate);
        int up = outRate / g, down = inRate / g;            // output m sits at input time m * down / up
        double c = Math.Min(1.0, (double)outRate / inRate) * Passband;
        double support = kernel.HalfWidth / c;
        int taps = 2 * (int)Math.Ceiling(support) + 1;
        int half = taps / 2;
        int outLen = (int)Math.Round((double)x.Length * outRate / inRate);
        var y = new float[outLen];
        int phases = up <= 4096 ? up : 0;
        double[]? bank = null;
        if (phases > 0)
        {
            bank = new double[phases * taps];
            for (int p = 0; p < phases; p++)
            {
                double frac = (double)p / up;                 // fractional input position of this phase
                for (int j = 0; j < taps; j++) bank[p * taps + j] = c * kernel.Value(c * (frac - (j - half)));
            }
        }
        for (int m = 0; m < outLen; m++)
        {
            long num = (long)m * down;
            int k0 = (int)(num / up);
            int phase = (int)(num % up);
            double acc = 0;
            int jMin = Math.Max(0, half - k0), jMax = Math.Min(taps - 1, x.Length - 1 - k0 + half);
            if (bank != null)
            {
                int b = phase * taps;
                for (int j = jMin; j <= jMax; j++) acc += x[k0 - half + j] * bank[b + j];
            }
            else
            {
                double frac = (double)phase / up;
                for (int j = jMin; j <= jMax; j++) acc += x[k0 - half + j] * c * kernel.Value(c * (frac - (j - half)));
            }
            y[m] = (float)acc;
        }
        return y;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
