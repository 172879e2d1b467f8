using System.Buffers.Binary;

namespace Beryl.Media.Rtp;

/// <summary>The sender information of an SR (RFC 3550 section 6.4.1).</summary>
/// <param name="NtpTimestamp">Wallclock time of the report, 64-bit NTP format (see <see cref="NtpTime"/>).</param>
/// <param name="RtpTimestamp">The same instant in the RTP clock of the sender's media.</param>
/// <param name="PacketCount">RTP packets sent since starting (wraps).</param>
/// <param name="OctetCount">Payload octets sent since starting (wraps).</param>
public readonly record struct RtcpSenderInfo(ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    /// <summary>Bytes of the sender information.</summary>
    public const int Length = 20;

    internal static RtcpSenderInfo Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64BigEndian(source),
        BinaryPrimitives.ReadUInt32BigEndian(source[8..]),
        BinaryPrimitives.ReadUInt32BigEndian(source[12..]),
        BinaryPrimitives.ReadUInt32BigEndian(source[16..]));

    internal void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], OctetCount);
    }
}
