using Beryl.Media.Sdp;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Engine;

/// <summary>
/// What the <see cref="AudioEngine"/> needs of a call's transport: the negotiated codec, a way to send payloads and the
/// packets received. <see cref="RTCPeerConnection"/> is one; a test network or an in-memory loop can be another.
/// </summary>
public interface IAudioTransport
{
    /// <summary>The audio codec both sides agreed on, or null before negotiation.</summary>
    SdpCodec? NegotiatedAudioFormat { get; }

    /// <summary>Sends one payload spanning <paramref name="durationRtpUnits"/>; an empty payload only advances the timestamp.</summary>
    bool SendAudio(uint durationRtpUnits, ReadOnlySpan<byte> payload);

    /// <summary>Raised on the transport's thread for each RTP packet received, payload valid only during the call.</summary>
    event RtpPacketHandler? OnRtpPacketReceived;
}
