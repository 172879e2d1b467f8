using Beryl.Media.Dtls;
using Beryl.Media.Sdp;

namespace Beryl.Media.WebRtc;

/// <summary>A STUN server the ICE agent asks for server-reflexive candidates (TURN is not supported).</summary>
public sealed class RTCIceServer
{
    /// <summary>URLs such as <c>stun:stun.example.org:3478</c>; <c>turn:</c> URLs are ignored.</summary>
    public IReadOnlyList<string> urls { get; init; } = [];
}

/// <summary>
/// Options of an <see cref="RTCPeerConnection"/>: the browser's <c>RTCConfiguration</c> members in its spelling,
/// Beryl's own in .NET spelling.
/// </summary>
public sealed class RTCConfiguration
{
    /// <summary>STUN servers for server-reflexive candidates.</summary>
    public IReadOnlyList<RTCIceServer> iceServers { get; init; } = [];

    /// <summary>The DTLS identity; a new ECDSA P-256 certificate is generated when null.</summary>
    public DtlsCertificate? certificate { get; init; }

    /// <summary>
    /// Audio codecs offered or accepted, in order of preference; by default <see cref="Codecs.AudioCodecs.DefaultAudioCodecs"/>:
    /// Opus first when libopus is installed, then PCMU, PCMA and telephone-event.
    /// </summary>
    public IReadOnlyList<SdpCodec> AudioCodecs { get; init; } = Codecs.AudioCodecs.DefaultAudioCodecs;

    /// <summary>Gather loopback candidates too (Chromium needs <c>--allow-loopback-in-peer-connection</c> to use them).</summary>
    public bool IncludeLoopback { get; init; }

    /// <summary>Gather loopback candidates only: tests and same-host calls, where no packet may leave the machine.</summary>
    public bool LoopbackOnly { get; init; }

    /// <summary>Gather IPv6 host candidates.</summary>
    public bool EnableIPv6 { get; init; } = true;

    /// <summary>Lowest local UDP port, 0 for any.</summary>
    public int PortMin { get; init; }

    /// <summary>Highest local UDP port, 0 for any.</summary>
    public int PortMax { get; init; }

    /// <summary>No ICE response for this long: disconnected.</summary>
    public TimeSpan IceDisconnectedTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No ICE response for this long: failed (RFC 7675 consent expiry).</summary>
    public TimeSpan IceFailedTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the DTLS handshake may take once ICE is connected.</summary>
    public TimeSpan DtlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Mean interval of RTCP reports (randomised ±50 %, RFC 3550 section 6.3.1).</summary>
    public TimeSpan RtcpInterval { get; init; } = TimeSpan.FromSeconds(5);
}
