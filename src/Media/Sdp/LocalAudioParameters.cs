namespace Beryl.Media.Sdp;

/// <summary>Our side of a one-audio-m-line session: transport credentials, codecs and stream identity.</summary>
public sealed record LocalAudioParameters
{
    /// <summary>Opus, PCMU, PCMA, then telephone-event at 48 kHz and 8 kHz.</summary>
    public static IReadOnlyList<SdpCodec> DefaultCodecs { get; } =
        [SdpCodec.Opus, SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.TelephoneEvent48000, SdpCodec.TelephoneEvent8000];

    /// <summary>ICE username fragment (RFC 8839: 4..256 characters of A-Z a-z 0-9 + /).</summary>
    public required string IceUfrag { get; init; }

    /// <summary>ICE password (RFC 8839: 22..256 characters of A-Z a-z 0-9 + /).</summary>
    public required string IcePwd { get; init; }

    /// <summary>Our certificate fingerprint as <c>a=fingerprint</c> carries it, e.g. <c>sha-256 AB:CD:...</c>.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Setup role written into offers (answers derive theirs from the offer); actpass by default.</summary>
    public SdpSetupRole Setup { get; init; } = SdpSetupRole.ActPass;

    /// <summary>Codecs in our order of preference.</summary>
    public IReadOnlyList<SdpCodec> Codecs { get; init; } = DefaultCodecs;

    /// <summary>Our RTP SSRC.</summary>
    public uint Ssrc { get; init; }

    /// <summary>Our RTCP CNAME.</summary>
    public string Cname { get; init; } = "beryl";

    /// <summary>Media stream id for <c>a=msid</c>.</summary>
    public string StreamId { get; init; } = "beryl";

    /// <summary>Track id for <c>a=msid</c>.</summary>
    public string TrackId { get; init; } = "beryl-audio";

    /// <summary>The mid of our audio section in offers.</summary>
    public string Mid { get; init; } = "0";

    /// <summary>What we want to do: send, receive, both or neither.</summary>
    public SdpDirection Direction { get; init; } = SdpDirection.SendRecv;

    /// <summary>Our ICE candidates as raw <c>candidate:...</c> strings.</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];

    /// <summary>Whether gathering is complete (<c>a=end-of-candidates</c>).</summary>
    public bool EndOfCandidates { get; init; }

    /// <summary>The o= session id (digits).</summary>
    public ulong SessionId { get; init; } = 1;

    /// <summary>The o= session version, increased by the caller on each new description.</summary>
    public ulong SessionVersion { get; init; } = 1;

    /// <summary>The extmap id we offer for the RFC 6464 audio level element, null to leave it out.</summary>
    public int? AudioLevelExtensionId { get; init; } = 1;
}
