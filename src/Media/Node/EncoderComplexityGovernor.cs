namespace Beryl.Media.Node;

/// <summary>
/// Trades the encoders' complexity for an audio thread's time. The thread reports how much of each 10 ms tick its rooms
/// took (wall clock, so time lost to other threads on a full machine counts too); while that share, smoothed over about a
/// second, stays above <see cref="Crowded"/>, the complexity steps down one level at a time, and while it stays below
/// <see cref="Roomy"/> it steps back up to the configured one. A thread that runs out of time plays every one of its
/// calls late, which costs far more than the little quality the lower levels give up: the encoder was half a node leg's
/// time at the configured complexity 2, and under a third at 0 (the <c>load</c> benchmark's leg profile).
/// </summary>
internal sealed class EncoderComplexityGovernor
{
    /// <summary>Smoothed tick share above which the complexity steps down.</summary>
    public const double Crowded = 0.6;

    /// <summary>Smoothed tick share below which the complexity steps back up.</summary>
    public const double Roomy = 0.3;

    /// <summary>Ticks between two steps: one step's effect must show in the smoothed share before the next is judged.</summary>
    public const int HoldTicks = 300;

    // About a second's memory at a 10 ms tick.
    private const double Smoothing = 0.01;

    private readonly int _highest;
    private int _ticksSinceStep = HoldTicks;
    private int _complexity;
    private double _load;

    /// <param name="highest">The configured complexity, which the governor never exceeds.</param>
    public EncoderComplexityGovernor(int highest)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(highest);
        _highest = highest;
        _complexity = highest;
    }

    /// <summary>The complexity the thread's encoders should run at now; safe to read from any thread.</summary>
    public int Complexity => Volatile.Read(ref _complexity);

    /// <summary>
    /// The share of its ticks the thread spends working, smoothed over about a second (0..1, more when behind); safe to
    /// read from any thread.
    /// </summary>
    public double Load => Volatile.Read(ref _load);

    /// <summary>Accounts one tick whose work took <paramref name="busyShare"/> of the tick; true when the complexity changed.</summary>
    public bool Update(double busyShare)
    {
        double load = _load + Smoothing * (Math.Max(0, busyShare) - _load);
        Volatile.Write(ref _load, load);
        if (++_ticksSinceStep < HoldTicks)
            return false;
        int wanted = Math.Clamp(load > Crowded ? _complexity - 1 : load < Roomy ? _complexity + 1 : _complexity, 0, _highest);
        if (wanted == _complexity)
            return false;
        Volatile.Write(ref _complexity, wanted);
        _ticksSinceStep = 0;
        return true;
    }
}
