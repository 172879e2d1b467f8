namespace Beryl.Media.Rtp;

/// <summary>RFC 5761 demultiplexing of RTP and RTCP on one port.</summary>
public static class RtcpMux
{
    /// <summary>
    /// Whether a version 2 packet on an rtcp-mux port is RTCP: its second byte, which is the RTCP packet type,
    /// is 192..223 (RTP payload types 64..95 with the marker bit, which RFC 5761 keeps free for this).
    /// </summary>
    public static bool IsRtcp(ReadOnlySpan<byte> packet) =>
        packet.Length >= RtcpPacket.HeaderLength && packet[0] >> 6 == RtpHeader.Version && packet[1] is >= 192 and <= 223;
}
