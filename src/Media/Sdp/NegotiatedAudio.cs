namespace Beryl.Media.Sdp;

/// <summary>What a remote description settles for its audio section.</summary>
/// <param name="MediaIndex">Index of the audio section among the remote description's media sections.</param>
/// <param name="Mid">Its mid, null when the remote does not use mids.</param>
/// <param name="Codec">The codec to send: the remote's payload type, rtpmap and fmtp.</param>
/// <param name="Codecs">Every common codec, the remote's order (telephone-event excluded).</param>
/// <param name="TelephoneEventPayloadType">The remote's telephone-event payload type at the codec's clock rate (or any rate), null if none.</param>
/// <param name="IceUfrag">Remote ICE username fragment (media level, else session level).</param>
/// <param name="IcePwd">Remote ICE password.</param>
/// <param name="Fingerprint">Remote certificate fingerprint, e.g. <c>sha-256 AB:...</c>.</param>
/// <param name="Setup">The remote's DTLS setup role.</param>
/// <param name="Candidates">Remote candidates as raw <c>candidate:...</c> strings.</param>
/// <param name="EndOfCandidates">Whether the remote finished gathering.</param>
/// <param name="RemoteSsrc">The first SSRC the remote signals, null when none.</param>
/// <param name="Direction">The direction as the remote states it, from its own point of view.</param>
/// <param name="AudioLevelExtensionId">The remote's extmap id for the audio level element, null if not offered.</param>
/// <param name="RtcpReducedSize">Whether the remote accepts reduced-size RTCP.</param>
public sealed record NegotiatedAudio(
    int MediaIndex,
    string? Mid,
    SdpCodec Codec,
    IReadOnlyList<SdpCodec> Codecs,
    int? TelephoneEventPayloadType,
    string IceUfrag,
    string IcePwd,
    string Fingerprint,
    SdpSetupRole Setup,
    IReadOnlyList<string> Candidates,
    bool EndOfCandidates,
    uint? RemoteSsrc,
    SdpDirection Direction,
    int? AudioLevelExtensionId,
    bool RtcpReducedSize);
