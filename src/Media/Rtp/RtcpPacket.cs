using System.Buffers.Binary;

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

/// <summary>
/// Iterates the packets of an RTCP compound (RFC 3550 section 6.1). The whole compound is checked up front:
/// every packet is version 2, every length stays inside the compound and they add up to it exactly, and only the
/// last packet may be padded. A compound that fails yields no packet at all. Unknown packet types are returned
/// like the others, for the caller to skip. The first packet is not required to be SR or RR, since reduced-size
/// RTCP (RFC 5506) sends feedback alone. Never throws.
/// </summary>
public ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _compound;
    private int _position;

    /// <summary>Checks <paramref name="compound"/> and positions the reader at its first packet.</summary>
    public RtcpCompoundReader(ReadOnlySpan<byte> compound)
    {
        _compound = compound;
        IsMalformed = !IsWellFormed(compound);
        _position = IsMalformed ? compound.Length : 0;
    }

    /// <summary>Whether the compound was rejected.</summary>
    public bool IsMalformed { get; }

    /// <summary>The next packet.</summary>
    /// <returns>false after the last packet, or at once for a malformed compound.</returns>
    public bool TryReadNext(out RtcpPacket packet)
    {
        packet = default;
        if (_position >= _compound.Length)
            return false;
        ReadOnlySpan<byte> rest = _compound[_position..];
        int length = PacketLength(rest);
        bool hasPadding = (rest[0] & 0x20) != 0;
        int padding = hasPadding ? rest[length - 1] : 0;
        packet = new RtcpPacket(
            (RtcpPacketType)rest[1], rest[0] & 0x1F, length, hasPadding,
            rest[RtcpPacket.HeaderLength..(length - padding)]);
        _position += length;
        return true;
    }

    /// <summary>Whether <paramref name="compound"/> is a non-empty sequence of RTCP packets whose lengths add up.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> compound)
    {
        if (compound.IsEmpty)
            return false;
        while (!compound.IsEmpty)
        {
            if (compound.Length < RtcpPacket.HeaderLength || compound[0] >> 6 != RtpHeader.Version)
                return false;
            int length = PacketLength(compound);
            if (length > compound.Length)
                return false;
            if ((compound[0] & 0x20) != 0)
            {
                int padding = compound[length - 1];
                if (length != compound.Length || padding == 0 || padding > length - RtcpPacket.HeaderLength)
                    return false;
            }

            compound = compound[length..];
        }

        return true;
    }

    private static int PacketLength(ReadOnlySpan<byte> packet) =>
        (BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) + 1) * 4;
}

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
