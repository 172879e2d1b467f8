namespace Beryl.Media.Engine;

/// <summary>
/// Where the capture path delivers each encoded payload, with the RTP clock units it spans; the shape of
/// <see cref="WebRtc.RTCPeerConnection.SendAudio"/>. An empty payload means the encoder chose not to send this frame
/// (discontinuous transmission); the timestamp must still advance.
/// </summary>
public delegate bool AudioPayloadSender(uint durationRtpUnits, ReadOnlySpan<byte> payload);
