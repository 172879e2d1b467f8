namespace Beryl.Media.Tests.Jitter;

/// <summary>
/// A seeded, deterministic network between a sender and the jitter buffer: a base delay, random extra delay
/// (half-normal or Pareto), burst loss (Gilbert-Elliott: a good state that loses nothing and a bad state that
/// loses everything), occasional reordering (a packet held back) and duplication. Conditions may change mid-run.
/// </summary>
internal sealed class NetworkSimulator(int seed)
{
    private readonly Random _random = new(seed);
    private readonly PriorityQueue<SentPacket, (long Arrival, long Order)> _inFlight = new();
    private long _order;
    private bool _inBurst;

    public double BaseDelayMs { get; set; } = 30;

    /// <summary>Scale of the random extra delay: σ of a half-normal, or the scale of a Pareto (shape 3) when <see cref="Pareto"/>.</summary>
    public double JitterMs { get; set; }

    public bool Pareto { get; set; }

    /// <summary>Probability per packet of entering a loss burst from the good state.</summary>
    public double BurstStartProbability { get; set; }

    /// <summary>Probability per packet of leaving a loss burst (1 / mean burst length).</summary>
    public double BurstEndProbability { get; set; } = 0.5;

    public double ReorderProbability { get; set; }

    /// <summary>Nothing is delivered before this time (microseconds): a path or a sender that stalled, then delivers what it holds at once.</summary>
    public long StalledUntilMicroseconds { get; set; }

    /// <summary>Extra delay of a reordered packet.</summary>
    public double ReorderDelayMs { get; set; } = 30;

    public double DuplicateProbability { get; set; }

    public int Sent { get; private set; }

    public int Lost { get; private set; }

    public int Duplicated { get; private set; }

    public void Send(in SentPacket packet)
    {
        Sent++;
        _inBurst = _inBurst ? _random.NextDouble() >= BurstEndProbability : _random.NextDouble() < BurstStartProbability;
        if (_inBurst)
        {
            Lost++;
            return;
        }

        double delayMs = BaseDelayMs + ExtraDelayMs();
        if (_random.NextDouble() < ReorderProbability)
            delayMs += ReorderDelayMs;
        Schedule(packet, delayMs);
        if (_random.NextDouble() < DuplicateProbability)
        {
            Duplicated++;
            Schedule(packet, delayMs + _random.NextDouble() * 20);
        }
    }

    /// <summary>The next packet that has arrived by <paramref name="nowMicroseconds"/>, in arrival order.</summary>
    public bool TryReceive(long nowMicroseconds, out SentPacket packet, out long arrivalMicroseconds)
    {
        if (_inFlight.TryPeek(out packet, out var key) && key.Arrival <= nowMicroseconds)
        {
            _inFlight.Dequeue();
            arrivalMicroseconds = key.Arrival;
            return true;
        }
        arrivalMicroseconds = 0;
        return false;
    }

    private void Schedule(in SentPacket packet, double delayMs) =>
        _inFlight.Enqueue(packet, (Math.Max(packet.SendTimeMicroseconds + (long)(delayMs * 1000), StalledUntilMicroseconds), _order++));

    private double ExtraDelayMs()
    {
        if (JitterMs <= 0)
            return 0;
        if (Pareto)
            return JitterMs * (Math.Pow(1 - _random.NextDouble(), -1.0 / 3) - 1);
        double u1 = 1 - _random.NextDouble(), u2 = _random.NextDouble();
        return JitterMs * Math.Abs(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
