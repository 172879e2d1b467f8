using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Beryl.Media.Rtp;

/// <summary>
/// The fixed RTP header (RFC 3550 section 5.1) with its CSRC list, header extension and padding. A parsed
/// header keeps offsets into the packet it came from, so the extension data and payload are sliced from that
/// packet rather than copied; CSRCs are held inline, so neither parsing nor writing allocates.
/// </summary>
public readonly struct RtpHeader
{
    /// <summary>The only RTP version there is.</summary>
    public const int Version = 2;

    /// <summary>Bytes of the fixed header, before CSRCs and extension.</summary>
    public const int FixedLength = 12;

    /// <summary>The CSRC count field has four bits.</summary>
    public const int MaxCsrcCount = 15;

    /// <summary>Largest extension data the 16-bit length in 32-bit words can describe.</summary>
    public const int MaxExtensionLength = ushort.MaxValue * 4;

    private readonly CsrcList _csrcs;

    /// <summary>Creates a header for sending; add CSRCs with <see cref="WithCsrcs"/> and an extension with <see cref="WithExtension"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadType"/> is above 127.</exception>
    public RtpHeader(byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc, bool marker = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        PayloadType = payloadType;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
        Ssrc = ssrc;
        Marker = marker;
    }

    private RtpHeader(in RtpHeader source, ReadOnlySpan<uint> csrcs)
    {
        this = source;
        csrcs.CopyTo(_csrcs);
        CsrcCount = csrcs.Length;
    }

    private RtpHeader(
        bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc, in CsrcList csrcs, int csrcCount,
        bool hasExtension, ushort extensionProfile, int extensionOffset, int extensionLength,
        int payloadOffset, int payloadLength, int paddingLength)
    {
        Marker = marker;
        PayloadType = payloadType;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
        Ssrc = ssrc;
        _csrcs = csrcs;
        CsrcCount = csrcCount;
        HasExtension = hasExtension;
        ExtensionProfile = extensionProfile;
        ExtensionOffset = extensionOffset;
        ExtensionLength = extensionLength;
        PayloadOffset = payloadOffset;
        PayloadLength = payloadLength;
        PaddingLength = paddingLength;
    }

    /// <summary>The marker bit (for audio: first packet of a talkspurt).</summary>
    public bool Marker { get; init; }

    /// <summary>Payload type, 0..127.</summary>
    public byte PayloadType { get; }

    /// <summary>Sequence number.</summary>
    public ushort SequenceNumber { get; init; }

    /// <summary>RTP timestamp, in the payload's clock.</summary>
    public uint Timestamp { get; init; }

    /// <summary>Synchronisation source.</summary>
    public uint Ssrc { get; }

    /// <summary>Number of contributing sources, 0..15.</summary>
    public int CsrcCount { get; }

    /// <summary>Whether the X bit is set (a header extension follows the CSRCs).</summary>
    public bool HasExtension { get; private init; }

    /// <summary>The extension's 16-bit profile: 0xBEDE for RFC 8285 one-byte elements, 0x100x for two-byte ones.</summary>
    public ushort ExtensionProfile { get; private init; }

    /// <summary>Where the extension data starts in the parsed packet (0 for a header built to send).</summary>
    public int ExtensionOffset { get; }

    /// <summary>Bytes of extension data, after the 4-byte profile and length (0 for a header built to send).</summary>
    public int ExtensionLength { get; }

    /// <summary>Where the payload starts in the parsed packet: the header's length.</summary>
    public int PayloadOffset { get; }

    /// <summary>Bytes of payload, without padding.</summary>
    public int PayloadLength { get; }

    /// <summary>Bytes of padding at the end of the parsed packet, the count byte included (0: no P bit).</summary>
    public int PaddingLength { get; }

    /// <summary>Whether the P bit was set.</summary>
    public bool HasPadding => PaddingLength > 0;

    /// <summary>The CSRC at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="CsrcCount"/>.</exception>
    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return _csrcs[index];
    }

    /// <summary>A copy of this header with <paramref name="csrcs"/> as its contributing sources.</summary>
    /// <exception cref="ArgumentException">More than 15 CSRCs.</exception>
    public RtpHeader WithCsrcs(ReadOnlySpan<uint> csrcs)
    {
        if (csrcs.Length > MaxCsrcCount)
            throw new ArgumentException($"at most {MaxCsrcCount} CSRCs, got {csrcs.Length}", nameof(csrcs));
        return new RtpHeader(this, csrcs);
    }

    /// <summary>A copy of this header that carries an extension with <paramref name="profile"/>; its data is given to <see cref="Write"/>.</summary>
    public RtpHeader WithExtension(ushort profile = RtpHeaderExtensions.OneByteProfile) =>
        this with { HasExtension = true, ExtensionProfile = profile };

    /// <summary>The extension data of the parsed <paramref name="packet"/> (empty when there is none).</summary>
    public ReadOnlySpan<byte> GetExtensionData(ReadOnlySpan<byte> packet) => packet.Slice(ExtensionOffset, ExtensionLength);

    /// <summary>The payload of the parsed <paramref name="packet"/>, without padding.</summary>
    public ReadOnlySpan<byte> GetPayload(ReadOnlySpan<byte> packet) => packet.Slice(PayloadOffset, PayloadLength);

    /// <summary>Finds RFC 8285 element <paramref name="id"/> in the extension of the parsed <paramref name="packet"/>.</summary>
    public bool TryGetExtensionElement(ReadOnlySpan<byte> packet, int id, out ReadOnlySpan<byte> value)
    {
        value = default;
        return HasExtension && RtpHeaderExtensions.TryFind(ExtensionProfile, GetExtensionData(packet), id, out value);
    }

    /// <summary>Parses an RTP header, checking every length against <paramref name="packet"/>; never throws.</summary>
    /// <returns>false for anything but a complete version 2 header whose CSRCs, extension and padding fit the packet.</returns>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedLength || packet[0] >> 6 != Version)
            return false;

        int csrcCount = packet[0] & 0x0F;
        int offset = FixedLength + 4 * csrcCount;
        if (offset > packet.Length)
            return false;

        var csrcs = default(CsrcList);
        for (int i = 0; i < csrcCount; i++)
            csrcs[i] = BinaryPrimitives.ReadUInt32BigEndian(packet[(FixedLength + 4 * i)..]);

        bool hasExtension = (packet[0] & 0x10) != 0;
        ushort extensionProfile = 0;
        int extensionOffset = 0, extensionLength = 0;
        if (hasExtension)
        {
            if (offset + 4 > packet.Length)
                return false;
            extensionProfile = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            extensionLength = 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            extensionOffset = offset + 4;
            if (extensionLength > packet.Length - extensionOffset)
                return false;
            offset = extensionOffset + extensionLength;
        }

        int paddingLength = 0;
        if ((packet[0] & 0x20) != 0)
        {
            // The count includes its own byte, so 0 is a lie, and padding cannot eat into the header.
            if (offset == packet.Length)
                return false;
            paddingLength = packet[^1];
            if (paddingLength == 0 || paddingLength > packet.Length - offset)
                return false;
        }

        header = new RtpHeader(
            (packet[1] & 0x80) != 0, (byte)(packet[1] & 0x7F),
            BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            csrcs, csrcCount, hasExtension, extensionProfile, extensionOffset, extensionLength,
            offset, packet.Length - offset - paddingLength, paddingLength);
        return true;
    }

    /// <summary>Bytes <see cref="Write"/> needs for this header with the given extension data, payload and padding.</summary>
    public int GetPacketLength(int extensionDataLength, int payloadLength, int paddingLength = 0) =>
        FixedLength + 4 * CsrcCount + (HasExtension ? 4 + extensionDataLength : 0) + payloadLength + paddingLength;

    /// <summary>
    /// Writes this header, <paramref name="extensionData"/> (when <see cref="HasExtension"/>; a multiple of
    /// 4 bytes, as <see cref="RtpHeaderExtensionWriter"/> produces), <paramref name="payload"/> and
    /// <paramref name="paddingLength"/> bytes of padding (P bit set when non-zero) into <paramref name="destination"/>.
    /// </summary>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException">The destination is too small, the extension data is not a multiple of 4
    /// bytes or is given without <see cref="HasExtension"/>, or the padding is outside 0..255.</exception>
    public int Write(Span<byte> destination, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> extensionData = default, int paddingLength = 0)
    {
        if (extensionData.Length % 4 != 0 || extensionData.Length > MaxExtensionLength || (!HasExtension && !extensionData.IsEmpty))
            throw new ArgumentException("extension data must be a multiple of 4 bytes, below 256 KiB, on a header WithExtension", nameof(extensionData));
        ArgumentOutOfRangeException.ThrowIfNegative(paddingLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paddingLength, 255);
        int length = GetPacketLength(extensionData.Length, payload.Length, paddingLength);
        if (destination.Length < length)
            throw new ArgumentException($"destination holds {destination.Length} bytes, the packet needs {length}", nameof(destination));

        destination[0] = (byte)(Version << 6 | (paddingLength > 0 ? 0x20 : 0) | (HasExtension ? 0x10 : 0) | CsrcCount);
        destination[1] = (byte)((Marker ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        int offset = FixedLength;
        for (int i = 0; i < CsrcCount; i++, offset += 4)
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], _csrcs[i]);

        if (HasExtension)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], ExtensionProfile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)(extensionData.Length / 4));
            extensionData.CopyTo(destination[(offset + 4)..]);
            offset += 4 + extensionData.Length;
        }

        payload.CopyTo(destination[offset..]);
        offset += payload.Length;
        if (paddingLength > 0)
        {
            destination.Slice(offset, paddingLength - 1).Clear();
            offset += paddingLength;
            destination[offset - 1] = (byte)paddingLength;
        }

        return offset;
    }

    [InlineArray(MaxCsrcCount)]
    private struct CsrcList
    {
        private uint _first;
    }
}
