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

/// <summary>SDES item types (RFC 3550 section 6.5).</summary>
public enum RtcpSdesItemType : byte
{
    /// <summary>Ends a chunk's item list.</summary>
    End = 0,

    /// <summary>Canonical name.</summary>
    Cname = 1,

    /// <summary>User name.</summary>
    Name = 2,

    /// <summary>E-mail address.</summary>
    Email = 3,

    /// <summary>Phone number.</summary>
    Phone = 4,

    /// <summary>Location.</summary>
    Location = 5,

    /// <summary>Application or tool name.</summary>
    Tool = 6,

    /// <summary>Notice or status.</summary>
    Note = 7,

    /// <summary>Private extension.</summary>
    Private = 8,
}

/// <summary>Walks the items of every chunk of an SDES packet (RFC 3550 section 6.5); never throws.</summary>
public ref struct RtcpSourceDescriptionReader
{
    private readonly ReadOnlySpan<byte> _body;
    private int _chunksLeft;
    private int _position;
    private uint _ssrc;
    private bool _inChunk;

    /// <summary>Reads the chunks of <paramref name="packet"/>; any other packet type reads as malformed.</summary>
    public RtcpSourceDescriptionReader(in RtcpPacket packet)
    {
        _body = packet.Body;
        _chunksLeft = packet.Count;
        IsMalformed = packet.Type != RtcpPacketType.SourceDescription;
        if (IsMalformed)
            _chunksLeft = 0;
    }

    /// <summary>Whether reading stopped at a chunk or item that overruns the packet.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>The next item of any chunk, with the chunk's SSRC.</summary>
    /// <returns>false after the last chunk, or on malformed data (see <see cref="IsMalformed"/>).</returns>
    public bool TryReadNext(out uint ssrc, out RtcpSdesItemType type, out ReadOnlySpan<byte> text)
    {
        ssrc = 0;
        type = RtcpSdesItemType.End;
        text = default;
        while (true)
        {
            if (!_inChunk)
            {
                if (_chunksLeft == 0)
                    return false;
                if (_position + 4 > _body.Length)
                    return Malformed();
                _ssrc = BinaryPrimitives.ReadUInt32BigEndian(_body[_position..]);
                _position += 4;
                _inChunk = true;
                _chunksLeft--;
            }

            if (_position >= _body.Length)
                return Malformed();
            if (_body[_position] == (byte)RtcpSdesItemType.End)
            {
                // The end item and the null bytes after it run to the next 32-bit boundary.
                _position = (_position + 4) & ~3;
                if (_position > _body.Length)
                    return Malformed();
                _inChunk = false;
                continue;
            }

            if (_position + 2 > _body.Length || _body[_position + 1] > _body.Length - _position - 2)
                return Malformed();
            ssrc = _ssrc;
            type = (RtcpSdesItemType)_body[_position];
            text = _body.Slice(_position + 2, _body[_position + 1]);
            _position += 2 + text.Length;
            return true;
        }
    }

    /// <summary>The first CNAME of an SDES packet.</summary>
    public static bool TryGetCname(in RtcpPacket packet, out uint ssrc, out ReadOnlySpan<byte> cname)
    {
        var reader = new RtcpSourceDescriptionReader(packet);
        while (reader.TryReadNext(out ssrc, out var type, out cname))
        {
            if (type == RtcpSdesItemType.Cname)
                return true;
        }

        ssrc = 0;
        cname = default;
        return false;
    }

    private bool Malformed()
    {
        IsMalformed = true;
        _chunksLeft = 0;
        _inChunk = false;
        _position = _body.Length;
        return false;
    }
}

/// <summary>A parsed BYE packet (RFC 3550 section 6.6).</summary>
public readonly ref struct RtcpGoodbye
{
    private readonly ReadOnlySpan<byte> _sources;

    private RtcpGoodbye(ReadOnlySpan<byte> sources, ReadOnlySpan<byte> reason)
    {
        _sources = sources;
        Reason = reason;
    }

    /// <summary>Number of sources leaving.</summary>
    public int SourceCount => _sources.Length / 4;

    /// <summary>The reason for leaving (UTF-8), empty when not given.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    /// <summary>The SSRC at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="SourceCount"/>.</exception>
    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SourceCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_sources[(4 * index)..]);
    }

    /// <summary>Parses a BYE whose sources and reason fit its body; never throws.</summary>
    public static bool TryParse(in RtcpPacket packet, out RtcpGoodbye goodbye)
    {
        goodbye = default;
        ReadOnlySpan<byte> body = packet.Body;
        int sourcesLength = 4 * packet.Count;
        if (packet.Type != RtcpPacketType.Goodbye || body.Length < sourcesLength)
            return false;
        ReadOnlySpan<byte> reason = default;
        if (body.Length > sourcesLength)
        {
            int reasonLength = body[sourcesLength];
            if (reasonLength > body.Length - sourcesLength - 1)
                return false;
            reason = body.Slice(sourcesLength + 1, reasonLength);
        }

        goodbye = new RtcpGoodbye(body[..sourcesLength], reason);
        return true;
    }
}
