using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Synthesis;

/// <summary>Stationary coloured background noise (ventilation/fan/machine-like).</summary>
public static class NoiseSynthesizer
{
    /// <summary>
    /// Gaussian noise with a random smooth spectrum: a pink-to-brown slope, a fan/hum bump between
    /// 90 and 300 Hz with a few harmonics, a roll-off below ~40 Hz, and a slow +-1 dB level wander.
    /// Each channel is independent noise with the same spectrum.
    /// </summary>
    public static float[][] Stationary(int samples, int channels, int sampleRate, DeterministicRandom rng)
    {
        double slope = rng.Uniform(0.8, 1.6);          // power ~ f^-slope above the knee
        double knee = rng.Uniform(150, 400);
        double fan = rng.Uniform(90, 300);
        double fanGain = Math.Pow(10, rng.Uniform(6, 14) / 10);
        double airHz = rng.Uniform(2000, 5000);
        double airGain = Math.Pow(10, rng.Uniform(-6, 2) / 10);
        var result = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            var chRng = rng.Fork($"noise{c}");
            var x = Shaped(samples, sampleRate, chRng, f =>
            {
                double p = 1.0 / (1.0 + Math.Pow(f / knee, slope));
                p *= Math.Pow(f / 40.0, 4) / (1 + Math.Pow(f / 40.0, 4));
                for (int h = 1; h <= 3; h++)
                {
                    double d = (f - h * fan) / (8.0 + 4 * h);
                    p += fanGain / (h * h) * Math.Exp(-0.5 * d * d) * 0.02;
                }
                double a = (f - airHz) / (0.6 * airHz);
                p += airGain * 0.01 * Math.Exp(-0.5 * a * a);
                return p;
            });
            double wanderHz = chRng.Uniform(0.1, 0.4), ph = chRng.Uniform(0, 2 * Math.PI);
            for (int i = 0; i < samples; i++)
                x[i] *= (float)Math.Pow(10, 0.05 * Math.Sin(2 * Math.PI * wanderHz * i / sampleRate + ph));
            result[c] = x;
        }
        return result;
    }

    /// <summary>White Gaussian noise shaped by a power spectrum <paramref name="power"/>(Hz) (circular, seamless).</summary>
    public static float[] Shaped(int samples, int sampleRate, DeterministicRandom rng, Func<double, double> power)
    {
        int nfft = Fft.NextPowerOfTwo(Math.Max(samples, 2));
        var re = new double[nfft];
        var im = new double[nfft];
        for (int i = 0; i < nfft; i++) re[i] = rng.NextGaussian();
        var fft = Fft.Get(nfft);
        fft.Forward(re, im);
        for (int k = 0; k <= nfft / 2; k++)
        {
            double f = (double)k * sampleRate / nfft;
            double g = k == 0 ? 0 : Math.Sqrt(Math.Max(0, power(f)));
            re[k] *= g;
            im[k] *= g;
            if (k > 0 && k < nfft / 2)
            {
                re[nfft - k] *= g;
                im[nfft - k] *= g;
            }
        }
        fft.Inverse(re, im);
        var y = new float[samples];
        double e = 0;
        for (int i = 0; i < samples; i++) e += re[i] * re[i];
        double norm = e > 0 ? 1.0 / Math.Sqrt(e / samples) : 0;
        for (int i = 0; i < samples; i++) y[i] = (float)(re[i] * norm);
        return y;
    }
}
