namespace Beryl.Media.Ice;

/// <summary>What a datagram on a WebRTC 5-tuple carries, judged by its first byte (RFC 7983 section 7).</summary>
public enum PacketKind
{
    /// <summary>Anything the demultiplexer does not route (including empty datagrams).</summary>
    Unknown,
    /// <summary>STUN: first byte 0..3.</summary>
    Stun,
    /// <summary>DTLS: first byte 20..63.</summary>
    Dtls,
    /// <summary>RTP or RTCP: first byte 128..191.</summary>
    Rtp,
}

/// <summary>Demultiplexes the protocols sharing one BUNDLE socket (RFC 7983).</summary>
public static class PacketClassifier
{
    /// <summary>Classifies <paramref name="datagram"/> by its first byte.</summary>
    public static PacketKind Classify(ReadOnlySpan<byte> datagram) => datagram.IsEmpty ? PacketKind.Unknown : datagram[0] switch
    {
        <= 3 => PacketKind.Stun,
        >= 20 and <= 63 => PacketKind.Dtls,
        >= 128 and <= 191 => PacketKind.Rtp,
        _ => PacketKind.Unknown,
    };
}
