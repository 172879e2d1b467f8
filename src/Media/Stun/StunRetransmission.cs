namespace Beryl.Media.Stun;

/// <summary>
/// Request retransmission over UDP (RFC 8489 section 6.2.1): send, wait RTO, send again doubling the wait,
/// up to <see cref="MaxTransmissions"/> sends, then wait <see cref="LastWaitMultiplier"/> × RTO for a late answer.
/// </summary>
public sealed record StunRetransmission
{
    /// <summary>The RFC's defaults: RTO 500 ms, Rc 7, Rm 16 (39.5 s in all).</summary>
    public static StunRetransmission Default { get; } = new();

    /// <summary>The first wait (RTO).</summary>
    public TimeSpan InitialTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound on any single doubled wait.</summary>
    public TimeSpan MaxTimeout { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>How many times the request is sent (Rc).</summary>
    public int MaxTransmissions { get; init; } = 7;

    /// <summary>The wait after the last send, in RTOs (Rm).</summary>
    public int LastWaitMultiplier { get; init; } = 16;

    /// <summary>How long to wait after the <paramref name="transmission"/>th send (1-based) before giving up on it.</summary>
    public TimeSpan WaitAfter(int transmission)
    {
        if (transmission >= MaxTransmissions)
            return InitialTimeout * LastWaitMultiplier;
        TimeSpan wait = InitialTimeout * Math.Pow(2, Math.Min(transmission - 1, 30));
        return wait < MaxTimeout ? wait : MaxTimeout;
    }
}
