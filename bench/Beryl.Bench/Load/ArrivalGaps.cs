namespace Beryl.Bench.Load;

/// <summary>
/// Histogram of the time between consecutive packets of a call, 1 ms bins, over all calls: 20 ms when the node's
/// pacing and the network keep time, longer when a tick ran late or a packet was lost. Thread-safe, lock-free.
/// </summary>
internal sealed class ArrivalGaps
{
    private const int MaxMs = 2000;
    private readonly long[] _bins = new long[MaxMs + 1];

    public void Add(TimeSpan gap) => Interlocked.Increment(ref _bins[Math.Clamp((int)Math.Round(gap.TotalMilliseconds), 0, MaxMs)]);

    /// <summary>Starts a new measurement window.</summary>
    public void Reset() => Array.Clear(_bins);

    public long Count => _bins.Sum();

    /// <summary>The gap, in ms, that a share <paramref name="p"/> of the gaps do not exceed; 0 when none were seen.</summary>
    public int Percentile(double p)
    {
        long target = (long)Math.Ceiling(p * Count), seen = 0;
        for (int ms = 0; ms <= MaxMs; ms++)
        {
            seen += Interlocked.Read(ref _bins[ms]);
            if (seen >= target && seen > 0)
                return ms;
        }
        return 0;
    }

    /// <summary>The longest gap seen, in ms (2000 stands for 2 s or more).</summary>
    public int Max => Array.FindLastIndex(_bins, n => n > 0) is var ms and >= 0 ? ms : 0;
}
