namespace Beryl.TestVectors.Metrics;

/// <summary>
/// SI-SDR of a talker in audio that went through a call. A jitter buffer stretches and shortens time, so one lag does not
/// fit a whole call: each 0.25 s segment where the talker speaks is lined up on its own, near the lag of the segment
/// before (the first near the overall lag), and scored; the median segment is the result. A segment that matches
/// nothing there is looked for farther off: a buffer that waited out a stall moves its playout by up to a few hundred
/// milliseconds at once, and may keep it there.
/// </summary>
public static class AlignedSiSdr
{
    private const double SegmentSeconds = 0.25, SegmentSearchSeconds = 0.03, ReacquireSeconds = 0.5;
    private const double MatchedCorrelation = 0.5;

    /// <summary>The median segment SI-SDR, dB, of <paramref name="reference"/> in <paramref name="received"/>.</summary>
    /// <param name="received">What the far end got, on its own time line, at <paramref name="sampleRate"/>.</param>
    /// <param name="reference">The talker as it entered the call, same rate.</param>
    /// <param name="sampleRate">Samples per second of both.</param>
    /// <param name="fromSeconds">Start of the talk to score, on the reference's time line.</param>
    /// <param name="toSeconds">End of the talk to score.</param>
    /// <param name="maxLagSeconds">The largest overall lag searched, either way.</param>
    /// <returns>The median SI-SDR, or null when no segment of talk could be lined up.</returns>
    public static double? MedianDb(float[] received, float[] reference, int sampleRate, double fromSeconds, double toSeconds, double maxLagSeconds = 0.8)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(reference);
        int Samples(double seconds) => (int)(seconds * sampleRate);
        var r64 = reference.Select(x => (double)x).ToArray();
        var estimate = new double[r64.Length];
        for (int i = 0; i < Math.Min(received.Length, estimate.Length); i++)
            estimate[i] = received[i];
        int overall = LagEstimator.CrossCorrelationLag(estimate, r64, Samples(maxLagSeconds)).Lag;
        int segment = Samples(SegmentSeconds), search = Samples(SegmentSearchSeconds), reacquire = Samples(ReacquireSeconds);
        var starts = new List<int>();
        for (int start = Samples(fromSeconds); start + segment <= Math.Min(Samples(toSeconds), r64.Length); start += segment)
        {
            if (start + overall - search >= 0 && start + overall + search + segment <= estimate.Length)
                starts.Add(start);
        }
        if (starts.Count == 0)
            return null;
        double meanEnergy = starts.Average(start => Dot(r64.AsSpan(start, segment), r64.AsSpan(start, segment)));
        var scores = new List<double>();
        int previous = overall;
        foreach (int start in starts)
        {
            var r = r64.AsSpan(start, segment);
            double rr = Dot(r, r);
            if (rr < 0.1 * meanEnergy)
                continue;   // a pause in the talk
            var (best, bestCorrelation) = BestLagNear(estimate, r, start, previous, search);
            if (double.IsFinite(bestCorrelation) && bestCorrelation < MatchedCorrelation * Math.Sqrt(rr * Dot(estimate.AsSpan(start + best, segment), estimate.AsSpan(start + best, segment))))
            {
                int from = Math.Max(start + previous - reacquire, 0), to = Math.Min(start + previous + reacquire + segment, estimate.Length);
                int coarse = LagEstimator.CrossCorrelationLag(estimate[from..to], r.ToArray(), to - from).Lag + from - start;
                var (found, foundCorrelation) = BestLagNear(estimate, r, start, coarse, search);
                if (foundCorrelation > bestCorrelation)
                    (best, bestCorrelation) = (found, foundCorrelation);
            }
            if (bestCorrelation <= 0)
                continue;   // nothing of the talk here
            previous = best;
            var e = estimate.AsSpan(start + best, segment);
            double alpha = Dot(e, r) / rr, residual = 0;
            for (int i = 0; i < segment; i++)
                residual += (e[i] - alpha * r[i]) * (e[i] - alpha * r[i]);
            scores.Add(10 * Math.Log10(alpha * alpha * rr / Math.Max(residual, 1e-12)));
        }
        if (scores.Count == 0)
            return null;
        scores.Sort();
        return scores[scores.Count / 2];
    }

    // The lag within search of around where the estimate correlates best with the reference segment starting at start.
    private static (int Lag, double Correlation) BestLagNear(double[] estimate, ReadOnlySpan<double> r, int start, int around, int search)
    {
        int best = around;
        double bestCorrelation = double.NegativeInfinity;
        int from = Math.Max(around - search, -start), to = Math.Min(around + search, estimate.Length - r.Length - start);
        for (int lag = from; lag <= to; lag++)
        {
            double c = Dot(estimate.AsSpan(start + lag, r.Length), r);
            if (c > bestCorrelation)
                (bestCorrelation, best) = (c, lag);
        }
        return (best, bestCorrelation);
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
