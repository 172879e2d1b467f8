using System.Buffers.Binary;

namespace Beryl.Media.Rtp;

/// <summary>A parsed Sender Report or Receiver Report (RFC 3550 sections 6.4.1 and 6.4.2).</summary>
public readonly ref struct RtcpReport
{
    private readonly ReadOnlySpan<byte> _blocks;

    private RtcpReport(bool isSenderReport, uint ssrc, RtcpSenderInfo senderInfo, ReadOnlySpan<byte> blocks, ReadOnlySpan<byte> profileExtension)
    {
        IsSenderReport = isSenderReport;
        Ssrc = ssrc;
        SenderInfo = senderInfo;
        _blocks = blocks;
        ProfileExtension = profileExtension;
    }

    /// <summary>SR (true) or RR (false).</summary>
    public bool IsSenderReport { get; }

    /// <summary>The reporter's SSRC.</summary>
    public uint Ssrc { get; }

    /// <summary>The sender information; default for an RR.</summary>
    public RtcpSenderInfo SenderInfo { get; }

    /// <summary>Number of report blocks.</summary>
    public int ReportBlockCount => _blocks.Length / RtcpReportBlock.Length;

    /// <summary>Bytes after the report blocks (profile-specific extensions), usually empty.</summary>
    public ReadOnlySpan<byte> ProfileExtension { get; }

    /// <summary>The report block at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="ReportBlockCount"/>.</exception>
    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportBlockCount);
        return RtcpReportBlock.Read(_blocks[(index * RtcpReportBlock.Length)..]);
    }

    /// <summary>Parses an SR or RR whose report blocks fit its body; never throws.</summary>
    public static bool TryParse(in RtcpPacket packet, out RtcpReport report)
    {
        report = default;
        bool isSenderReport = packet.Type == RtcpPacketType.SenderReport;
        if (!isSenderReport && packet.Type != RtcpPacketType.ReceiverReport)
            return false;
        ReadOnlySpan<byte> body = packet.Body;
        int blocksOffset = 4 + (isSenderReport ? RtcpSenderInfo.Length : 0);
        int blocksLength = packet.Count * RtcpReportBlock.Length;
        if (body.Length < blocksOffset + blocksLength)
            return false;
        report = new RtcpReport(
            isSenderReport,
            BinaryPrimitives.ReadUInt32BigEndian(body),
            isSenderReport ? RtcpSenderInfo.Read(body[4..]) : default,
            body.Slice(blocksOffset, blocksLength),
            body[(blocksOffset + blocksLength)..]);
        return true;
    }
}
