using System.Buffers.Binary;

namespace Beryl.Media.Rtp;

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
