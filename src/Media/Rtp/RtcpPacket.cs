namespace Beryl.Media.Rtp;

/// <summary>RTCP packet types (RFC 3550, RFC 4585, RFC 3611).</summary>
public enum RtcpPacketType : byte
{
    /// <summary>SR.</summary>
    SenderReport = 200,

    /// <summary>RR.</summary>
    ReceiverReport = 201,

    /// <summary>SDES.</summary>
    SourceDescription = 202,

    /// <summary>BYE.</summary>
    Goodbye = 203,

    /// <summary>APP.</summary>
    ApplicationDefined = 204,

    /// <summary>RTPFB (RFC 4585), e.g. NACK and transport-wide congestion control.</summary>
    TransportFeedback = 205,

    /// <summary>PSFB (RFC 4585), e.g. PLI and REMB.</summary>
    PayloadFeedback = 206,

    /// <summary>XR (RFC 3611).</summary>
    ExtendedReport = 207,
}

/// <summary>One packet of an RTCP compound: its common header fields and body.</summary>
public readonly ref struct RtcpPacket
{
    /// <summary>Bytes of the common header.</summary>
    public const int HeaderLength = 4;

    internal RtcpPacket(RtcpPacketType type, int count, int length, bool hasPadding, ReadOnlySpan<byte> body)
    {
        Type = type;
        Count = count;
        Length = length;
        HasPadding = hasPadding;
        Body = body;
    }

    /// <summary>The packet type (any byte value; unknown types are kept as they are).</summary>
    public RtcpPacketType Type { get; }

    /// <summary>The 5-bit count field: report blocks, SDES chunks, BYE sources, or the feedback message type.</summary>
    public int Count { get; }

    /// <summary>Bytes of the whole packet, header and padding included.</summary>
    public int Length { get; }

    /// <summary>Whether the P bit was set.</summary>
    public bool HasPadding { get; }

    /// <summary>The bytes after the common header, padding excluded.</summary>
    public ReadOnlySpan<byte> Body { get; }
}
