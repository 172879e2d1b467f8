using System.Buffers.Binary;

namespace Beryl.Media.Rtp;

/// <summary>
/// Writes RTCP packets into a caller buffer without allocating; a compound is the packets written one after
/// another (RFC 3550 section 6.1: SR or RR first, then SDES with the CNAME).
/// </summary>
public static class RtcpWriter
{
    /// <summary>Most report blocks, SDES chunks or BYE sources one packet's 5-bit count can announce.</summary>
    public const int MaxCount = 31;

    /// <summary>Writes a Sender Report.</summary>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException">More than 31 blocks, or the destination is too small.</exception>
    public static int WriteSenderReport(Span<byte> destination, uint ssrc, in RtcpSenderInfo senderInfo, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        int offset = WriteReportStart(destination, RtcpPacketType.SenderReport, ssrc, blocks, RtcpSenderInfo.Length);
        senderInfo.Write(destination[offset..]);
        return WriteBlocks(destination, offset + RtcpSenderInfo.Length, blocks);
    }

    /// <summary>Writes a Receiver Report.</summary>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException">More than 31 blocks, or the destination is too small.</exception>
    public static int WriteReceiverReport(Span<byte> destination, uint ssrc, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        int offset = WriteReportStart(destination, RtcpPacketType.ReceiverReport, ssrc, blocks, 0);
        return WriteBlocks(destination, offset, blocks);
    }

    /// <summary>Writes an SDES packet with one chunk holding <paramref name="cname"/> (UTF-8, at most 255 bytes).</summary>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException">The CNAME is longer than 255 bytes, or the destination is too small.</exception>
    public static int WriteSourceDescription(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cname)
    {
        if (cname.Length > byte.MaxValue)
            throw new ArgumentException($"an SDES item holds at most 255 bytes, got {cname.Length}", nameof(cname));
        // SSRC, CNAME item, then at least one null byte up to the next 32-bit boundary.
        int length = Padded(RtcpPacket.HeaderLength + 4 + 2 + cname.Length + 1);
        Span<byte> packet = Start(destination, RtcpPacketType.SourceDescription, 1, length);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], ssrc);
        packet[8] = (byte)RtcpSdesItemType.Cname;
        packet[9] = (byte)cname.Length;
        cname.CopyTo(packet[10..]);
        packet[(10 + cname.Length)..].Clear();
        return length;
    }

    /// <summary>Writes a BYE for <paramref name="ssrcs"/> with an optional UTF-8 <paramref name="reason"/> (at most 255 bytes).</summary>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException">More than 31 sources, a reason over 255 bytes, or the destination is too small.</exception>
    public static int WriteGoodbye(Span<byte> destination, ReadOnlySpan<uint> ssrcs, ReadOnlySpan<byte> reason = default)
    {
        CheckCount(ssrcs.Length, nameof(ssrcs));
        if (reason.Length > byte.MaxValue)
            throw new ArgumentException($"a BYE reason holds at most 255 bytes, got {reason.Length}", nameof(reason));
        int sourcesEnd = RtcpPacket.HeaderLength + 4 * ssrcs.Length;
        int length = reason.IsEmpty ? sourcesEnd : Padded(sourcesEnd + 1 + reason.Length);
        Span<byte> packet = Start(destination, RtcpPacketType.Goodbye, ssrcs.Length, length);
        for (int i = 0; i < ssrcs.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(packet[(RtcpPacket.HeaderLength + 4 * i)..], ssrcs[i]);
        if (!reason.IsEmpty)
        {
            packet[sourcesEnd] = (byte)reason.Length;
            reason.CopyTo(packet[(sourcesEnd + 1)..]);
            packet[(sourcesEnd + 1 + reason.Length)..].Clear();
        }

        return length;
    }

    private static int WriteReportStart(Span<byte> destination, RtcpPacketType type, uint ssrc, ReadOnlySpan<RtcpReportBlock> blocks, int senderInfoLength)
    {
        CheckCount(blocks.Length, nameof(blocks));
        int length = RtcpPacket.HeaderLength + 4 + senderInfoLength + blocks.Length * RtcpReportBlock.Length;
        Span<byte> packet = Start(destination, type, blocks.Length, length);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], ssrc);
        return RtcpPacket.HeaderLength + 4;
    }

    private static int WriteBlocks(Span<byte> destination, int offset, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        foreach (var block in blocks)
        {
            block.Write(destination[offset..]);
            offset += RtcpReportBlock.Length;
        }

        return offset;
    }

    private static Span<byte> Start(Span<byte> destination, RtcpPacketType type, int count, int length)
    {
        if (destination.Length < length)
            throw new ArgumentException($"destination holds {destination.Length} bytes, the packet needs {length}", nameof(destination));
        destination[0] = (byte)(RtpHeader.Version << 6 | count);
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length / 4 - 1));
        return destination[..length];
    }

    private static void CheckCount(int count, string name)
    {
        if (count > MaxCount)
            throw new ArgumentException($"one RTCP packet holds at most {MaxCount} entries, got {count}", name);
    }

    private static int Padded(int length) => (length + 3) & ~3;
}
