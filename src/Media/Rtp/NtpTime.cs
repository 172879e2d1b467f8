namespace Beryl.Media.Rtp;

/// <summary>
/// NTP timestamps as RTCP uses them (RFC 3550 section 4): 64 bits, whole seconds since 1900-01-01 UTC in the
/// high half and the fraction in the low half; the "middle 32 bits" short form (16.16 seconds) carries LSR,
/// and DLSR counts 1/65536 s.
/// </summary>
public static class NtpTime
{
    private static readonly DateTime Epoch = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The current time.</summary>
    public static ulong Now => FromDateTime(DateTime.UtcNow);

    /// <summary>The NTP timestamp of <paramref name="utc"/> (seconds wrap every 2^32 s, as NTP era 1 begins in 2036).</summary>
    public static ulong FromDateTime(DateTime utc)
    {
        ulong ticks = (ulong)(utc.ToUniversalTime() - Epoch).Ticks;
        ulong seconds = ticks / TimeSpan.TicksPerSecond;
        ulong fraction = ((ticks % TimeSpan.TicksPerSecond) << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    /// <summary>The UTC time of <paramref name="ntp"/> in era 0 (1900..2036).</summary>
    public static DateTime ToDateTime(ulong ntp)
    {
        ulong seconds = ntp >> 32;
        ulong fractionTicks = ((ntp & 0xFFFFFFFF) * TimeSpan.TicksPerSecond) >> 32;
        return Epoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond + fractionTicks));
    }

    /// <summary>The middle 32 bits of <paramref name="ntp"/>, the form of an SR's LSR field.</summary>
    public static uint ToMiddle32(ulong ntp) => (uint)(ntp >> 16);

    /// <summary>A duration in 1/65536 s (the DLSR unit).</summary>
    public static TimeSpan FromShortFormat(uint units) => TimeSpan.FromTicks((long)(((ulong)units * TimeSpan.TicksPerSecond) >> 16));

    /// <summary><paramref name="duration"/> in 1/65536 s, saturating at the 32-bit range.</summary>
    public static uint ToShortFormat(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
            return 0;
        ulong units = ((ulong)duration.Ticks << 16) / TimeSpan.TicksPerSecond;
        return units > uint.MaxValue ? uint.MaxValue : (uint)units;
    }

    /// <summary>A duration between two NTP timestamps, later minus earlier (wrapping).</summary>
    public static TimeSpan Elapsed(ulong earlier, ulong later) => TimeSpan.FromSeconds((later - earlier) / 4294967296.0);

    /// <summary>
    /// Round-trip time from a report block about our stream (RFC 3550 section 6.4.1): the block's arrival
    /// time minus LSR (the middle bits of our SR it answers) minus DLSR (how long the peer held that SR).
    /// </summary>
    /// <returns>null when no SR has been answered yet (LSR 0) or the peer's numbers would make the time negative.</returns>
    public static TimeSpan? RoundTripTime(uint lastSenderReport, uint delaySinceLastSenderReport, ulong arrivalNtp)
    {
        if (lastSenderReport == 0)
            return null;
        uint units = ToMiddle32(arrivalNtp) - lastSenderReport - delaySinceLastSenderReport;
        return (int)units < 0 ? null : FromShortFormat(units);
    }
}
