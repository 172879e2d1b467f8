using Beryl.TestVectors;
using Beryl.TestVectors.Dsp;

namespace Beryl.Signaling.Tests.Browser;

/// <summary>
/// How what the browser received compares with what it sent: levels, and per half second of talk the round-trip delay
/// and the normalised correlation at it. Per window, because the node's jitter buffer stretches time while it adapts,
/// so one lag does not fit a whole recording.
/// </summary>
internal sealed record RoundTrip(double SentDbfs, double ReceivedDbfs, double Correlation, double DelayMs, double MinDelayMs, double MaxDelayMs, int Windows)
{
    private const double WindowSeconds = 0.5;
    private const double MaxDelaySeconds = 1;
    // Windows of pause carry no talker to recognise.
    private const double ActiveBelowPeakDb = 20;

    public static RoundTrip Measure(float[] sent, float[] received, int sampleRate)
    {
        // The speech band only, so the codec's band limit and any DC do not count.
        var band = LagEstimator.LagBandPass(sampleRate);
        double[] s = LagEstimator.BandPassedSum([[.. sent.Select(x => (double)x)]], band);
        double[] r = LagEstimator.BandPassedSum([[.. received.Select(x => (double)x)]], band);
        int window = (int)(WindowSeconds * sampleRate), maxLag = (int)(MaxDelaySeconds * sampleRate);
        var starts = Enumerable.Range(0, (s.Length - window - maxLag) / window + 1).Select(i => i * window).ToArray();
        double[] energies = [.. starts.Select(start => Energy(s.AsSpan(start, window)))];
        double floor = energies.Max() * Math.Pow(10, -ActiveBelowPeakDb / 10);
        var best = starts.Where((_, i) => energies[i] > floor).Select(start => BestLag(s.AsSpan(start, window), r.AsSpan(start, window + maxLag))).ToArray();
        Assert.That(best, Is.Not.Empty, "the recording holds no talk");
        double[] correlations = [.. best.Select(b => b.Correlation).Order()];
        double[] delays = [.. best.Select(b => b.Lag * 1000.0 / sampleRate).Order()];
        return new RoundTrip(SignalLevels.ActiveLevelDbfs([sent], sampleRate), SignalLevels.ActiveLevelDbfs([received], sampleRate),
            correlations[correlations.Length / 2], delays[delays.Length / 2], delays[0], delays[^1], best.Length);
    }

    // The lag of segment (0 .. segment.Length - window) where it best matches window, and the normalised correlation there.
    private static (int Lag, double Correlation) BestLag(ReadOnlySpan<double> window, ReadOnlySpan<double> segment)
    {
        int n = Fft.NextPowerOfTwo(segment.Length);
        var fft = Fft.Get(n);
        double[] wr = new double[n], wi = new double[n], sr = new double[n], si = new double[n];
        window.CopyTo(wr);
        segment.CopyTo(sr);
        fft.Forward(wr, wi);
        fft.Forward(sr, si);
        for (int k = 0; k < n; k++)
        {
            // segment × conj(window): the correlation at each lag of the segment behind the window.
            (sr[k], si[k]) = (sr[k] * wr[k] + si[k] * wi[k], si[k] * wr[k] - sr[k] * wi[k]);
        }
        fft.Inverse(sr, si);
        double windowEnergy = Energy(window), segmentEnergy = Energy(segment[..window.Length]);
        (int Lag, double Correlation) best = (0, double.NegativeInfinity);
        for (int lag = 0; lag + window.Length <= segment.Length; lag++)
        {
            if (lag > 0)
                segmentEnergy += segment[lag + window.Length - 1] * segment[lag + window.Length - 1] - segment[lag - 1] * segment[lag - 1];
            double c = sr[lag] / Math.Sqrt(windowEnergy * Math.Max(segmentEnergy, 1e-30));
            if (c > best.Correlation)
                best = (lag, c);
        }
        return best;
    }

    private static double Energy(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double v in x)
            sum += v * v;
        return sum;
    }
}
