namespace Beryl.Media.Tests.Audio;

/// <summary>Reference measurements for the source, sink and room tests, written for clarity rather than speed.</summary>
internal static class SignalMeasure
{
    /// <summary>Seeded white noise, uniform in ±<paramref name="amplitude"/>.</summary>
    public static float[] Noise(int seed, int length, float amplitude)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++)
            x[i] = amplitude * (float)(2 * random.NextDouble() - 1);
        return x;
    }

    /// <summary>The amplitude of the <paramref name="frequency"/> component of <paramref name="x"/> (Goertzel).</summary>
    public static double ToneAmplitude(ReadOnlySpan<float> x, int sampleRate, double frequency)
    {
        double coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (float v in x)
        {
            double s0 = v + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        return 2 * Math.Sqrt(Math.Max(power, 0)) / x.Length;
    }

    /// <summary>y[n] = Σ h[k] x[n − delay − k], in double precision.</summary>
    public static double[] DirectConvolution(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int delay, int length)
    {
        var y = new double[length];
        for (int n = 0; n < length; n++)
        {
            double sum = 0;
            for (int k = 0; k < h.Length; k++)
            {
                int i = n - delay - k;
                if (i >= 0 && i < x.Length)
                    sum += (double)h[k] * x[i];
            }
            y[n] = sum;
        }
        return y;
    }

    /// <summary>
    /// The lag (in samples, refined to a fraction by a parabola through the peak) at which
    /// <paramref name="y"/>[n] best matches <paramref name="x"/>[n − lag], over n in [start, start + length).
    /// </summary>
    public static double Lag(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int start, int length, int minLag, int maxLag)
    {
        var c = new double[maxLag - minLag + 1];
        for (int lag = minLag; lag <= maxLag; lag++)
        {
            double sum = 0;
            for (int n = start; n < start + length; n++)
                sum += (double)y[n] * x[n - lag];
            c[lag - minLag] = sum;
        }
        int best = Array.IndexOf(c, c.Max());
        if (best == 0 || best == c.Length - 1)
            return minLag + best;
        double a = c[best - 1], b = c[best], d = c[best + 1];
        return minLag + best + 0.5 * (a - d) / (a - 2 * b + d);
    }

    /// <summary>Root mean square of <paramref name="x"/>.</summary>
    public static double Rms(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
            sum += (double)v * v;
        return Math.Sqrt(sum / Math.Max(1, x.Length));
    }
}
