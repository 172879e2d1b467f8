namespace Beryl.TestVectors.Dsp;

/// <summary>Band-limited sample-rate conversion by windowed-sinc interpolation (arbitrary ratios).</summary>
public static class Resampler
{
    /// <summary>Fraction of the lower Nyquist frequency kept by the anti-alias/anti-image filter.</summary>
    public const double Passband = 0.94;

    /// <summary>
    /// Resamples <paramref name="x"/> from <paramref name="inRate"/> to <paramref name="outRate"/>;
    /// the output has round(x.Length * outRate / inRate) samples and the same time origin.
    /// </summary>
    public static float[] Resample(ReadOnlySpan<float> x, int inRate, int outRate)
    {
        if (inRate <= 0 || outRate <= 0) throw new ArgumentOutOfRangeException(nameof(inRate), "Rates must be positive.");
        if (inRate == outRate) return x.ToArray();
        var kernel = SincKernel.Default;
        double step = (double)inRate / outRate;          // input samples per output sample
        double c = Math.Min(1.0, (double)outRate / inRate) * Passband; // cutoff re input Nyquist
        double support = kernel.HalfWidth / c;           // half support in input samples
        int outLen = (int)Math.Round((double)x.Length * outRate / inRate);
        var y = new float[outLen];
        for (int m = 0; m < outLen; m++)
        {
            double t = m * step;
            int k0 = (int)Math.Ceiling(t - support);
            int k1 = (int)Math.Floor(t + support);
            if (k0 < 0) k0 = 0;
            if (k1 > x.Length - 1) k1 = x.Length - 1;
            double acc = 0;
            for (int k = k0; k <= k1; k++) acc += x[k] * kernel.Value(c * (t - k));
            y[m] = (float)(acc * c);
        }
        return y;
    }
}
