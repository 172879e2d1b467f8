using System.Net;
using Beryl.Media.Dtls;
using Beryl.Media.Ice;
using Beryl.Media.Srtp;

namespace Beryl.Media.WebRtc;

/// <summary>Counters of the audio stream of a connection.</summary>
/// <param name="PacketsSent">RTP packets sent.</param>
/// <param name="BytesSent">RTP payload bytes sent.</param>
/// <param name="PacketsReceived">RTP packets received and delivered.</param>
/// <param name="BytesReceived">RTP payload bytes received.</param>
/// <param name="PacketsLost">Packets lost from the first remote source (RFC 3550 A.3 cumulative).</param>
/// <param name="JitterMs">Interarrival jitter of the first remote source, ms (RFC 3550 A.8).</param>
/// <param name="RoundTripTime">Round-trip time from the peer's report blocks (RFC 3550 6.4.1), null until known.</param>
/// <param name="AuthenticationFailures">SRTP/SRTCP packets whose tag did not verify: dropped.</param>
/// <param name="Replays">Replayed or too old SRTP/SRTCP packets: dropped.</param>
/// <param name="Malformed">Malformed RTP/RTCP packets: dropped.</param>
/// <param name="UnknownPayloadType">RTP packets of a payload type not negotiated: dropped.</param>
/// <param name="SourcesRefused">RTP packets from more remote sources than a call carries: dropped.</param>
/// <param name="HandlerErrors">Exceptions thrown by the application's packet handlers (caught).</param>
/// <param name="SendFailures">Packets that could not be protected or sent.</param>
public readonly record struct AudioRtpStatistics(
    long PacketsSent, long BytesSent, long PacketsReceived, long BytesReceived, long PacketsLost, double JitterMs,
    TimeSpan? RoundTripTime, long AuthenticationFailures, long Replays, long Malformed, long UnknownPayloadType,
    long SourcesRefused, long HandlerErrors, long SendFailures)
{
    /// <summary>The share (0..1) of the remote source's packets lost: <see cref="PacketsLost"/> over those expected.</summary>
    public double LossFraction => PacketsReceived + PacketsLost is var expected and > 0 ? (double)PacketsLost / expected : 0;
}

/// <summary>A snapshot of an <see cref="RTCPeerConnection"/>'s counters, by layer.</summary>
/// <param name="Audio">The SRTP audio stream.</param>
/// <param name="Ice">The ICE agent.</param>
/// <param name="Dtls">The DTLS transport.</param>
/// <param name="DtlsProfile">The negotiated SRTP protection profile, once connected.</param>
/// <param name="DtlsFailure">Why the DTLS handshake failed (a fingerprint mismatch, say), or null.</param>
/// <param name="SelectedRemoteEndPoint">The remote address of the selected ICE pair.</param>
/// <param name="UnknownPackets">Datagrams that are neither STUN, DTLS nor RTP/RTCP (RFC 7983): dropped.</param>
/// <param name="EarlyPackets">DTLS or SRTP datagrams that came before their transport existed: dropped.</param>
/// <param name="RejectedCandidates">Remote candidates that could not be parsed or came out of turn.</param>
public readonly record struct RTCPeerConnectionStatistics(
    AudioRtpStatistics Audio, IceAgentStatistics Ice, DtlsTransportCounters Dtls, SrtpProtectionProfile? DtlsProfile,
    DtlsHandshakeFailure? DtlsFailure, IPEndPoint? SelectedRemoteEndPoint, long UnknownPackets, long EarlyPackets, long RejectedCandidates);

/// <summary>The outcome of <see cref="RTCPeerConnection.setRemoteDescription"/>: success, or why the description was refused.</summary>
public readonly record struct SetDescriptionResult(bool IsSuccess, string? Error)
{
    /// <summary>The description was applied.</summary>
    public static SetDescriptionResult Success => new(true, null);

    /// <summary>The description was refused for <paramref name="error"/>; nothing changed.</summary>
    public static SetDescriptionResult Failure(string error) => new(false, error);
}
