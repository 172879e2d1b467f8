using Beryl.Media.Stun;

namespace Beryl.Media.Ice;

/// <summary>Configuration of an <see cref="IceAgent"/>. Every timer is settable so tests can make failure fast.</summary>
public sealed record IceAgentOptions
{
    /// <summary>The initial role; the peer connection decides (the offerer is usually controlling).</summary>
    public IceRole Role { get; init; } = IceRole.Controlling;

    /// <summary>The local username fragment; a random one (8 ice-chars) when null.</summary>
    public string? LocalUfrag { get; init; }

    /// <summary>The local password; a random one (24 ice-chars) when null.</summary>
    public string? LocalPassword { get; init; }

    /// <summary>STUN servers for server-reflexive candidates, as <c>host:port</c> (or <c>[v6]:port</c>).</summary>
    public IReadOnlyList<string> StunServers { get; init; } = [];

    /// <summary>Also gather loopback addresses (127.0.0.1, ::1).</summary>
    public bool IncludeLoopback { get; init; }

    /// <summary>Gather loopback addresses only; tests use this so nothing leaves the host.</summary>
    public bool LoopbackOnly { get; init; }

    /// <summary>Gather IPv6 addresses too (link-local ones are always skipped).</summary>
    public bool EnableIPv6 { get; init; } = true;

    /// <summary>Lowest local port to bind, or 0 for any port.</summary>
    public int PortMin { get; init; }

    /// <summary>Highest local port to bind, or 0 for any port.</summary>
    public int PortMax { get; init; }

    /// <summary>Pacing of connectivity checks (Ta, RFC 8445 section 14.2).</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Retransmission of connectivity and consent checks.</summary>
    public StunRetransmission CheckRetransmission { get; init; } =
        new() { InitialTimeout = TimeSpan.FromMilliseconds(250), MaxTransmissions = 7, LastWaitMultiplier = 4 };

    /// <summary>Retransmission of Binding requests to STUN servers; bounds gathering time.</summary>
    public StunRetransmission ServerReflexiveRetransmission { get; init; } =
        new() { InitialTimeout = TimeSpan.FromMilliseconds(250), MaxTransmissions = 3, LastWaitMultiplier = 4 };

    /// <summary>How long the controlling agent waits for better pairs after the first success before nominating.</summary>
    public TimeSpan NominationDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Mean interval of consent checks (RFC 7675: 5 s, randomised by ±20 %).</summary>
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No consent response for this long after a request → <see cref="IceConnectionState.Disconnected"/>.</summary>
    public TimeSpan DisconnectedTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No consent response for this long → <see cref="IceConnectionState.Failed"/> (RFC 7675: 30 s).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
