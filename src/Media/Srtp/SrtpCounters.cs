namespace Beryl.Media.Srtp;

/// <summary>A snapshot of an <see cref="SrtpContext"/>'s packet counters (RTP and RTCP together).</summary>
public readonly struct SrtpCounters
{
    /// <summary>Packets protected.</summary>
    public long Protected { get; init; }

    /// <summary>Packets authenticated and decrypted.</summary>
    public long Unprotected { get; init; }

    /// <summary>Packets dropped because their authentication tag did not match.</summary>
    public long AuthenticationFailures { get; init; }

    /// <summary>Packets dropped because their index was already received.</summary>
    public long Replays { get; init; }

    /// <summary>Packets dropped because their index was behind the replay window.</summary>
    public long TooOld { get; init; }

    /// <summary>Packets dropped because they were truncated or their header was inconsistent.</summary>
    public long Malformed { get; init; }

    /// <summary>Packets refused because their SSRC would exceed the stream limit.</summary>
    public long StreamsRefused { get; init; }

    /// <summary>Packets refused because the buffer had no room for the tag, or the SRTCP index was used up.</summary>
    public long ProtectFailures { get; init; }
}
