using System.Buffers.Binary;

namespace Beryl.Media.Rtp;

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
