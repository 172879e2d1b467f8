namespace Beryl.Aec.Tests;

/// <summary>Deterministic signals and echo paths for the canceller's tests.</summary>
internal static class TestSignals
{
    public static float[] WhiteNoise(int length, double rms, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        double scale = rms * Math.Sqrt(3);
        for (int i = 0; i < length; i++) x[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return x;
    }

    /// <summary>
    /// Speech-like sound: syllables of 100-300 ms, voiced ones from pitch pulses whose frequency glides
    /// (90-250 Hz) through two moving resonances, unvoiced ones from noise, with pauses between words.
    /// </summary>
    public static float[] SpeechLike(int length, int sampleRate, double rms, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        double phase = 0, y1 = 0, y2 = 0, z1 = 0, z2 = 0;
        int i = 0;
        while (i < length)
        {
            int syllable = (int)((0.1 + 0.2 * random.NextDouble()) * sampleRate);
            bool pause = random.NextDouble() < 0.2, voiced = random.NextDouble() < 0.8;
            double f0Start = 90 + 160 * random.NextDouble(), f0End = 90 + 160 * random.NextDouble();
            double f1 = 300 + 600 * random.NextDouble(), f2 = 900 + 1800 * random.NextDouble();
            (double a1, double a2) = Resonator(f1, 0.96, sampleRate);
            (double b1, double b2) = Resonator(f2, 0.94, sampleRate);
            for (int j = 0; j < syllable && i < length; j++, i++)
            {
                if (pause) { x[i] = 0; continue; }
                double progress = (double)j / syllable;
                phase += (f0Start + (f0End - f0Start) * progress) / sampleRate;
                double excitation = (voiced ? 0.2 : 1.0) * (random.NextDouble() - 0.5);
                if (voiced && phase >= 1) excitation += 1;
                if (phase >= 1) phase -= 1;
                double y = excitation - a1 * y1 - a2 * y2; y2 = y1; y1 = y;
                double z = excitation - b1 * z1 - b2 * z2; z2 = z1; z1 = z;
                x[i] = (float)((y + 0.7 * z) * Math.Sin(Math.PI * progress));
            }
        }
        return Normalise(x, rms);
    }

    private static (double, double) Resonator(double frequency, double radius, int sampleRate) =>
        (-2 * radius * Math.Cos(2 * Math.PI * frequency / sampleRate), radius * radius);

    public static float[] Normalise(float[] x, double rms)
    {
        double energy = 0;
        foreach (var v in x) energy += v * v;
        double current = Math.Sqrt(energy / Math.Max(1, x.Length));
        if (current > 0) for (int i = 0; i < x.Length; i++) x[i] = (float)(x[i] * rms / current);
        return x;
    }

    /// <summary>
    /// A room-like echo path: a direct tap, a few reflections and an exponentially decaying diffuse tail
    /// (RT60 about 0.3 s) holding somewhat less energy than the direct sound, as for a loudspeaker near the mic.
    /// </summary>
    public static float[] RoomEchoPath(int sampleRate, double lengthMs, double gain, int seed)
    {
        var random = new Random(seed);
        int n = (int)(lengthMs * sampleRate / 1000);
        var h = new float[n];
        double decay = 0.02 * sampleRate;
        double level = 1.5 / Math.Sqrt(decay);
        for (int i = 1; i < n; i++) h[i] = (float)((random.NextDouble() * 2 - 1) * level * Math.Exp(-i / decay));
        h[0] = 1f;
        for (int r = 0; r < 5; r++) h[random.Next(n / 10)] += (float)(0.5 * (random.NextDouble() - 0.5));
        double energy = 0;
        foreach (var v in h) energy += v * v;
        for (int i = 0; i < n; i++) h[i] = (float)(h[i] * gain / Math.Sqrt(energy));
        return h;
    }

    /// <summary>y[n] = sum h[k] x[n - delay - k]; a negative delay makes the echo lead.</summary>
    public static float[] Echo(float[] x, float[] h, int delay)
    {
        var y = new float[x.Length];
        for (int n = 0; n < y.Length; n++)
        {
            double s = 0;
            int kMax = Math.Min(h.Length, n - delay + 1);
            for (int k = Math.Max(0, n - delay - x.Length + 1); k < kMax; k++) s += h[k] * x[n - delay - k];
            y[n] = (float)s;
        }
        return y;
    }

    /// <summary>Resamples a band-limited signal by a clock ratio (1 + ppm 1e-6) with windowed-sinc interpolation: y[n] = x(n / ratio).</summary>
    public static float[] Drift(float[] x, double ppm)
    {
        double ratio = 1 + ppm * 1e-6;
        var y = new float[x.Length];
        const int half = 16;
        for (int n = 0; n < y.Length; n++)
        {
            double t = n / ratio;
            int center = (int)Math.Floor(t);
            double s = 0;
            for (int k = center - half + 1; k <= center + half; k++)
            {
                if (k < 0 || k >= x.Length) continue;
                double d = t - k;
                double sinc = Math.Abs(d) < 1e-12 ? 1 : Math.Sin(Math.PI * d) / (Math.PI * d);
                double window = 0.5 + 0.5 * Math.Cos(Math.PI * d / half);
                s += x[k] * sinc * window;
            }
            y[n] = (float)s;
        }
        return y;
    }

    /// <summary>
    /// What a G.711 call plays: <paramref name="x8k"/> (8 kHz) through a mu-law encode/decode round trip, upsampled to
    /// <paramref name="sampleRate"/>. Nothing is left above 4 kHz but the resampler's stop band.
    /// </summary>
    public static float[] MuLawNarrowband(float[] x8k, int sampleRate)
    {
        var coded = new float[x8k.Length];
        for (int i = 0; i < x8k.Length; i++) coded[i] = MuLawDecode(MuLawEncode((short)Math.Clamp(Math.Round(x8k[i] * 32768.0), short.MinValue, short.MaxValue))) / 32768f;
        return Beryl.TestVectors.Dsp.Resampler.Resample(coded, 8000, sampleRate);
    }

    // ITU-T G.711 mu-law: a sign, a 3-bit segment and a 4-bit step, over the magnitude biased by 132.
    private static byte MuLawEncode(short sample)
    {
        const int Bias = 0x84, Clip = 32635;
        int sign = sample < 0 ? 0x80 : 0;
        int magnitude = Math.Min(Math.Abs((int)sample), Clip) + Bias;
        int exponent = 7;
        while (exponent > 0 && (magnitude & (0x4000 >> (7 - exponent))) == 0) exponent--;
        int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    private static short MuLawDecode(byte code)
    {
        int c = ~code & 0xFF;
        int magnitude = ((((c & 0x0F) << 3) + 0x84) << ((c >> 4) & 0x07)) - 0x84;
        return (short)((c & 0x80) != 0 ? -magnitude : magnitude);
    }

    public static float[] Add(float[] a, float[] b)
    {
        var y = new float[a.Length];
        for (int i = 0; i < y.Length; i++) y[i] = a[i] + b[i];
        return y;
    }

    public static double Energy(ReadOnlySpan<float> x)
    {
        double e = 0;
        foreach (var v in x) e += (double)v * v;
        return e;
    }

    public static double Db(double numerator, double denominator) => 10 * Math.Log10((numerator + 1e-20) / (denominator + 1e-20));
}

/// <summary>Runs a canceller over whole mono or interleaved signals, frame by frame, in lockstep.</summary>
internal static class Runner
{
    /// <summary>Processes far/mic (interleaved) and returns the output aligned with the mic (latency removed).</summary>
    public static float[] Run(EchoCanceller aec, float[] far, float[] mic, Action<int, EchoCanceller>? perFrame = null)
    {
        int rc = aec.Options.RenderChannels, cc = aec.Options.CaptureChannels, block = aec.FrameSize;
        int frames = mic.Length / cc / block;
        var output = new float[mic.Length];
        var outFrame = new float[block * cc];
        int latency = aec.LatencySamples;
        for (int f = 0; f < frames + latency / block + 1; f++)
        {
            aec.ProcessRender(Frame(far, f, block * rc));
            aec.ProcessCapture(Frame(mic, f, block * cc), outFrame);
            for (int i = 0; i < block; i++)
            {
                int t = f * block + i - latency;
                if (t < 0 || t >= mic.Length / cc) continue;
                for (int c = 0; c < cc; c++) output[t * cc + c] = outFrame[i * cc + c];
            }
            perFrame?.Invoke(f, aec);
        }
        return output;
    }

    private static ReadOnlySpan<float> Frame(float[] signal, int index, int size)
    {
        int start = index * size;
        if (start + size <= signal.Length) return signal.AsSpan(start, size);
        var frame = new float[size];
        if (start < signal.Length) signal.AsSpan(start).CopyTo(frame);
        return frame;
    }

    /// <summary>ERLE in dB of the output against the mic over [from, to) seconds.</summary>
    public static double Erle(float[] mic, float[] output, int sampleRate, double from, double to, int channels = 1)
    {
        int a = (int)(from * sampleRate) * channels, b = Math.Min(mic.Length, (int)(to * sampleRate) * channels);
        return TestSignals.Db(TestSignals.Energy(mic.AsSpan(a, b - a)), TestSignals.Energy(output.AsSpan(a, b - a)));
    }
}
