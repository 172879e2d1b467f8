namespace Beryl.Bench.Frames;

/// <summary>
/// Deterministic speech-like far-end audio and its echo, for timing: voiced syllables (gliding pitch,
/// formant-weighted harmonics, 3-5 Hz syllable envelope), fricative noise bursts and pauses, sent through
/// an exponentially decaying random room response with a bulk delay, plus faint near-end noise.
/// </summary>
internal sealed class BenchSignals
{
    private BenchSignals(int sampleRate, int renderChannels, int captureChannels, float[] far, float[] mic)
    {
        SampleRate = sampleRate;
        RenderChannels = renderChannels;
        CaptureChannels = captureChannels;
        Far = far;
        Mic = mic;
    }

    public int SampleRate { get; }

    public int RenderChannels { get; }

    public int CaptureChannels { get; }

    /// <summary>Far-end audio, interleaved.</summary>
    public float[] Far { get; }

    /// <summary>Microphone audio (echo + noise), interleaved.</summary>
    public float[] Mic { get; }

    /// <summary>Samples per channel.</summary>
    public int Length => Far.Length / RenderChannels;

    public static BenchSignals Create(int sampleRate, int renderChannels, int captureChannels, double seconds, int seed = 7)
    {
        int n = (int)(seconds * sampleRate);
        var rng = new Random(seed);

        var talkers = new float[renderChannels][];
        for (int r = 0; r < renderChannels; r++)
            talkers[r] = SpeechLike(n, sampleRate, rng, pitchBase: 110 + 70 * r);

        var far = new float[n * renderChannels];
        for (int i = 0; i < n; i++)
        {
            for (int r = 0; r < renderChannels; r++)
            {
                // Stereo: two talkers panned, each leaking into the other channel (correlated channels).
                float own = talkers[r][i];
                float other = renderChannels == 2 ? talkers[1 - r][i] : 0f;
                far[i * renderChannels + r] = 0.8f * own + 0.3f * other;
            }
        }

        int delay = sampleRate * 20 / 1000;
        var mic = new float[n * captureChannels];
        for (int c = 0; c < captureChannels; c++)
        {
            for (int r = 0; r < renderChannels; r++)
            {
                var rir = RoomResponse(sampleRate, 0.08, rng, gain: 0.35 / renderChannels);
                Convolve(far, renderChannels, r, rir, delay + 7 * c, mic, captureChannels, c);
            }
        }

        for (int i = 0; i < mic.Length; i++)
            mic[i] += (float)(Gaussian(rng) * 3e-4);
        return new BenchSignals(sampleRate, renderChannels, captureChannels, far, mic);
    }

    private static float[] SpeechLike(int n, int rate, Random rng, double pitchBase)
    {
        var x = new float[n];
        double phase = 0;
        int i = 0;
        double lp = 0;
        while (i < n)
        {
            // A syllable (voiced or fricative) or a pause.
            double kind = rng.NextDouble();
            int len = (int)(rate * (kind < 0.15 ? 0.15 + 0.35 * rng.NextDouble() : 0.12 + 0.18 * rng.NextDouble()));
            len = Math.Min(len, n - i);
            double f0Start = pitchBase * (0.85 + 0.3 * rng.NextDouble());
            double f0End = f0Start * (0.8 + 0.4 * rng.NextDouble());
            double f1 = 300 + 500 * rng.NextDouble();
            double f2 = 900 + 1500 * rng.NextDouble();
            double amp = 0.1 + 0.15 * rng.NextDouble();
            for (int k = 0; k < len; k++, i++)
            {
                double t = (double)k / len;
                double env = Math.Sin(Math.PI * t);
                env *= env;
                if (kind < 0.15)
                {
                    x[i] = 0;
                    continue;
                }

                if (kind < 0.3)
                {
                    // Fricative: high-passed noise.
                    double w = Gaussian(rng);
                    double hp = w - lp;
                    lp = 0.7 * lp + 0.3 * w;
                    x[i] = (float)(0.3 * amp * env * hp);
                    continue;
                }

                double f0 = f0Start + (f0End - f0Start) * t;
                phase += 2 * Math.PI * f0 / rate;
                double s = 0;
                for (int h = 1; h * f0 < Math.Min(rate / 2.0, 5000); h++)
                {
                    double fh = h * f0;
                    double formant = Math.Exp(-Math.Pow((fh - f1) / 200, 2)) + 0.6 * Math.Exp(-Math.Pow((fh - f2) / 300, 2)) + 0.05;
                    s += formant / h * Math.Sin(h * phase);
                }

                x[i] = (float)(amp * env * s + 0.002 * Gaussian(rng));
            }
        }

        return x;
    }

    private static double[] RoomResponse(int rate, double seconds, Random rng, double gain)
    {
        int len = (int)(rate * seconds);
        var h = new double[len];
        double tau = seconds / 6.9; // 60 dB decay over the length
        double energy = 0;
        for (int k = 0; k < len; k++)
        {
            h[k] = Gaussian(rng) * Math.Exp(-k / (tau * rate));
            energy += h[k] * h[k];
        }

        double scale = gain / Math.Sqrt(energy);
        for (int k = 0; k < len; k++)
            h[k] *= scale;
        return h;
    }

    private static void Convolve(float[] x, int xChannels, int xChannel, double[] h, int delay, float[] y, int yChannels, int yChannel)
    {
        int n = x.Length / xChannels;
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            int kMax = Math.Min(h.Length - 1, i - delay);
            for (int k = 0; k <= kMax; k++)
                acc += h[k] * x[(i - delay - k) * xChannels + xChannel];
            y[i * yChannels + yChannel] += (float)acc;
        }
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
