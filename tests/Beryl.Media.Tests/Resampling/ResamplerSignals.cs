using Beryl.Media.Resampling;

namespace Beryl.Media.Tests.Resampling;

/// <summary>Test signals, the rate pairs under test, and least-squares tone measurement.</summary>
internal static class ResamplerSignals
{
    /// <summary>
    /// Every ordered pair among the codec and echo-canceller rates, the 44.1 kHz device rate against 48 kHz, and the
    /// extremes <see cref="Beryl.Media.Audio.AudioFormat"/> allows: the largest ratio each way and the largest L and M.
    /// </summary>
    public static IEnumerable<TestCaseData> Pairs()
    {
        int[] rates = [8000, 16000, 32000, 48000];
        foreach (int input in rates)
            foreach (int output in rates)
                if (input != output)
                    yield return new TestCaseData(input, output).SetArgDisplayNames($"{input}->{output}");
        yield return new TestCaseData(44100, 48000).SetArgDisplayNames("44100->48000");
        yield return new TestCaseData(48000, 44100).SetArgDisplayNames("48000->44100");
        yield return new TestCaseData(192000, 8000).SetArgDisplayNames("192000->8000");
        yield return new TestCaseData(8000, 192000).SetArgDisplayNames("8000->192000");
        yield return new TestCaseData(191900, 192000).SetArgDisplayNames("191900->192000");
    }

    /// <summary>The pairs that lower the rate, where content above the output Nyquist has to be removed.</summary>
    public static IEnumerable<TestCaseData> DownPairs() =>
        Pairs().Where(p => (int)p.Arguments[0]! > (int)p.Arguments[1]!);

    public static float[] Sine(int rate, double frequency, double amplitude, int frames, double phase = 0)
    {
        var x = new float[frames];
        for (int i = 0; i < frames; i++)
            x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / rate + phase));
        return x;
    }

    public static float[] Noise(int seed, int samples)
    {
        var random = new Random(seed);
        var x = new float[samples];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(random.NextDouble() * 2 - 1) * 0.5f;
        return x;
    }

    /// <summary>Converts the whole of <paramref name="input"/> in one call.</summary>
    public static float[] ProcessAll(Resampler resampler, float[] input)
    {
        var output = new float[resampler.MaxOutputFrames(input.Length / resampler.Channels) * resampler.Channels];
        int frames = resampler.Process(input, output);
        return output[..(frames * resampler.Channels)];
    }

    /// <summary>Output frames to skip before the filter is full of real input (its whole length, with a margin).</summary>
    public static int StartUp(Resampler resampler) => (int)Math.Ceiling(2 * resampler.DelayFrames) + 16;

    /// <summary>
    /// Least-squares fit of a·sin(ωn + φ) + b·cos(ωn) over <paramref name="signal"/> (n counted from
    /// <paramref name="firstIndex"/>, so phases refer to index 0 of the whole stream).
    /// </summary>
    /// <returns>The amplitude and phase φ of the fitted tone, and the RMS of what remains.</returns>
    public static (double Amplitude, double Phase, double ResidualRms) FitTone(ReadOnlySpan<float> signal, int firstIndex, double frequency, int rate)
    {
        double w = 2 * Math.PI * frequency / rate;
        double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
        for (int i = 0; i < signal.Length; i++)
        {
            double s = Math.Sin(w * (firstIndex + i)), c = Math.Cos(w * (firstIndex + i));
            ss += s * s;
            sc += s * c;
            cc += c * c;
            ys += signal[i] * s;
            yc += signal[i] * c;
        }

        double det = ss * cc - sc * sc;
        double a = (ys * cc - yc * sc) / det;
        double b = (yc * ss - ys * sc) / det;
        double residual = 0;
        for (int i = 0; i < signal.Length; i++)
        {
            double e = signal[i] - a * Math.Sin(w * (firstIndex + i)) - b * Math.Cos(w * (firstIndex + i));
            residual += e * e;
        }

        return (Math.Sqrt(a * a + b * b), Math.Atan2(b, a), Math.Sqrt(residual / signal.Length));
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);
}
