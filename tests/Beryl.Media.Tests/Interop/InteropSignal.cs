namespace Beryl.Media.Tests.Interop;

/// <summary>
/// The test signal both ends of an interop call send (the same function as <c>aiortc_peer.py</c>), and the check
/// that what arrived is that signal: its level and its best normalised correlation against the reference.
/// </summary>
internal static class InteropSignal
{
    public const int SampleRate = 8000;
    public const int FrameSamples = 160;

    /// <summary>A 300 Hz to 3 kHz linear chirp of one second, repeated, at a quarter of full scale.</summary>
    public static short Sample(long n)
    {
        double t = (double)(n % SampleRate) / SampleRate;
        const double f0 = 300.0, f1 = 3000.0;
        double phase = 2 * Math.PI * (f0 * t + 0.5 * (f1 - f0) * t * t);
        return (short)Math.Round(8192 * Math.Sin(phase));
    }

    public static void Fill(Span<short> frame, long firstSample)
    {
        for (int i = 0; i < frame.Length; i++)
            frame[i] = Sample(firstSample + i);
    }

    /// <summary>RMS of the reference: the level a clean transport delivers.</summary>
    public static double ReferenceRms
    {
        get
        {
            double sum = 0;
            for (int n = 0; n < SampleRate; n++)
                sum += (double)Sample(n) * Sample(n);
            return Math.Sqrt(sum / SampleRate);
        }
    }

    /// <summary>
    /// Searches one period of lags for the best normalised correlation between windows of the received audio (taken
    /// after its first non-silent sample, so the start-up silence is skipped) and the reference. With several
    /// consecutive windows the upper quartile is returned: a jitter buffer draining a stall time-stretches the audio
    /// for a second or more, which blurs every window it touches, and the signal must still arrive intact for a
    /// quarter of the time.
    /// </summary>
    public static (double Correlation, double Rms) Analyse(ReadOnlySpan<short> received, int windowSamples, int windows = 1)
    {
        int start = 0;
        while (start < received.Length && Math.Abs((int)received[start]) < 64)
            start++;
        start += SampleRate / 4;
        if (start + windowSamples * windows > received.Length)
            return (0, 0);

        var reference = new double[SampleRate + windowSamples];
        for (int i = 0; i < reference.Length; i++)
            reference[i] = Sample(i);
        var correlations = new double[windows];
        double energy = 0;
        for (int w = 0; w < windows; w++)
        {
            ReadOnlySpan<short> window = received.Slice(start + w * windowSamples, windowSamples);
            double windowEnergy = 0;
            foreach (short s in window)
                windowEnergy += (double)s * s;
            energy += windowEnergy;
            correlations[w] = BestCorrelation(window, windowEnergy, reference);
        }
        Array.Sort(correlations);
        return (correlations[3 * windows / 4], Math.Sqrt(energy / (windowSamples * windows)));
    }

    private static double BestCorrelation(ReadOnlySpan<short> window, double energy, double[] reference)
    {
        double best = 0;
        for (int lag = 0; lag < SampleRate; lag++)
        {
            double cross = 0, refEnergy = 0;
            for (int i = 0; i < window.Length; i++)
            {
                double r = reference[lag + i];
                cross += r * window[i];
                refEnergy += r * r;
            }
            best = Math.Max(best, cross / Math.Sqrt(refEnergy * energy + 1e-9));
        }
        return best;
    }
}
