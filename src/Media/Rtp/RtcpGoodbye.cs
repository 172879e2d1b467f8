using System.Buffers.Binary;

namespace Beryl.Media.Rtp;

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
