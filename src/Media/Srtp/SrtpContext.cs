using System.Buffers.Binary;

namespace Beryl.Media.Srtp;

/// <summary>
/// SRTP and SRTCP (RFC 3711, RFC 7714) for one direction of a session: protects outgoing packets, or
/// authenticates, replay-checks and decrypts incoming ones, in place and without allocating per packet.
/// Untrusted input never throws: it is dropped with a status and counted in <see cref="Counters"/>.
/// Not thread-safe: use one context from one thread at a time.
/// </summary>
public sealed class SrtpContext : IDisposable
{
    /// <summary>The most bytes any supported profile appends to a packet (AES-GCM SRTCP: 16-byte tag and 4-byte index).</summary>
    public const int MaxOverhead = 20;

    /// <summary>Streams (SSRCs) a context tracks unless told otherwise.</summary>
    public const int DefaultMaxStreams = 64;

    private const int RtpFixedHeaderLength = 12;
    private const int RtpVersion = 2;
    private const ushort HalfSequenceSpace = 0x8000;

    private readonly SrtpCipher _cipher;
    private readonly SrtpStreamTable _streams;

    private long _protected;
    private long _unprotected;
    private long _authenticationFailures;
    private long _replays;
    private long _tooOld;
    private long _malformed;
    private long _streamsRefused;
    private long _protectFailures;

    /// <summary>Derives the session keys of <paramref name="keyingMaterial"/> (key derivation rate 0).</summary>
    /// <param name="keyingMaterial">Master key and salt of this direction.</param>
    /// <param name="maxStreams">Most SSRCs tracked; packets of further SSRCs are refused and counted.</param>
    /// <exception cref="ArgumentException">The profile is not supported.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxStreams"/> is not positive.</exception>
    public SrtpContext(SrtpKeyingMaterial keyingMaterial, int maxStreams = DefaultMaxStreams)
        : this(SrtpCipher.Create(keyingMaterial ?? throw new ArgumentNullException(nameof(keyingMaterial))), keyingMaterial.Profile, maxStreams)
    {
    }

    /// <summary>A context on session keys set up by the caller (test vectors given as session keys).</summary>
    internal SrtpContext(SrtpCipher cipher, SrtpProtectionProfile profile, int maxStreams = DefaultMaxStreams)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStreams);
        _cipher = cipher;
        _streams = new SrtpStreamTable(maxStreams);
        Profile = profile;
    }

    /// <summary>The protection profile of the keys.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>Bytes <see cref="ProtectRtp"/> appends (the authentication tag).</summary>
    public int RtpOverhead => _cipher.RtpTagLength;

    /// <summary>Bytes <see cref="ProtectRtcp"/> appends (E flag and SRTCP index, and the tag).</summary>
    public int RtcpOverhead => _cipher.RtcpTrailerLength;

    /// <summary>Streams (SSRCs) currently tracked.</summary>
    public int StreamCount => _streams.Count;

    /// <summary>A snapshot of the packet counters.</summary>
    public SrtpCounters Counters => new()
    {
        Protected = _protected,
        Unprotected = _unprotected,
        AuthenticationFailures = _authenticationFailures,
        Replays = _replays,
        TooOld = _tooOld,
        Malformed = _malformed,
        StreamsRefused = _streamsRefused,
        ProtectFailures = _protectFailures,
    };

    /// <summary>Encrypts an RTP packet in place and appends its authentication tag.</summary>
    /// <remarks>
    /// The keystream depends only on SSRC and packet index: a retransmission under the same sequence number
    /// must carry the same payload (or go through RFC 4588 RTX with its own sequence numbers).
    /// </remarks>
    /// <param name="buffer">Holds the packet and at least <see cref="RtpOverhead"/> spare bytes after it.</param>
    /// <param name="length">Length of the RTP packet at the start of <paramref name="buffer"/>.</param>
    /// <param name="protectedLength">Length of the SRTP packet, or 0 when the status is not <see cref="SrtpStatus.Ok"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or beyond <paramref name="buffer"/>.</exception>
    public SrtpStatus ProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        ThrowIfOutside(buffer, length);
        if (!TryReadRtpHeader(buffer[..length], out int headerLength, out uint ssrc, out ushort sequence))
            return Count(SrtpStatus.Malformed);
        if (buffer.Length - length < _cipher.RtpTagLength)
            return Count(SrtpStatus.BufferTooSmall);
        int slot = FindOrAddStream(ssrc);
        if (slot < 0)
            return Count(SrtpStatus.StreamLimitReached);

        ref SrtpStream stream = ref _streams[slot];
        SrtpStatus status = EstimateIndex(stream, sequence, out ulong index);
        if (status != SrtpStatus.Ok)
            return Count(status);
        _cipher.ProtectRtp(buffer[..length], headerLength, ssrc, index, buffer.Slice(length, _cipher.RtpTagLength));
        AdvanceRtp(ref stream, index);
        protectedLength = length + _cipher.RtpTagLength;
        _protected++;
        return SrtpStatus.Ok;
    }

    /// <summary>Authenticates, replay-checks and decrypts an SRTP packet in place.</summary>
    /// <param name="buffer">Holds the SRTP packet at its start.</param>
    /// <param name="length">Length of the SRTP packet.</param>
    /// <param name="plainLength">Length of the RTP packet, or 0 when the status is not <see cref="SrtpStatus.Ok"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or beyond <paramref name="buffer"/>.</exception>
    public SrtpStatus UnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        ThrowIfOutside(buffer, length);
        int contentLength = length - _cipher.RtpTagLength;
        if (contentLength < RtpFixedHeaderLength
            || !TryReadRtpHeader(buffer[..contentLength], out int headerLength, out uint ssrc, out ushort sequence))
            return Count(SrtpStatus.Malformed);
        if (!TryFindReceiveStream(ssrc, out int slot))
            return Count(SrtpStatus.StreamLimitReached);

        // A stream not seen yet starts at ROC 0 (RFC 3711 section 3.3.1); its slot is taken only once a
        // packet authenticates, so forged SSRCs cannot fill the table.
        SrtpStream stream = slot >= 0 ? _streams[slot] : new SrtpStream { Ssrc = ssrc };
        SrtpStatus status = EstimateIndex(stream, sequence, out ulong index);
        if (status == SrtpStatus.Ok)
            status = stream.RtpReplay.Check(index);
        if (status != SrtpStatus.Ok)
            return Count(status);
        if (!_cipher.UnprotectRtp(buffer[..contentLength], headerLength, ssrc, index, buffer.Slice(contentLength, _cipher.RtpTagLength)))
            return Count(SrtpStatus.AuthenticationFailed);

        ref SrtpStream stored = ref AuthenticatedStream(slot, ssrc);
        AdvanceRtp(ref stored, index);
        stored.RtpReplay.Accept(index);
        plainLength = contentLength;
        _unprotected++;
        return SrtpStatus.Ok;
    }

    /// <summary>Encrypts a (compound) RTCP packet in place and appends the E flag, SRTCP index and tag.</summary>
    /// <param name="buffer">Holds the packet and at least <see cref="RtcpOverhead"/> spare bytes after it.</param>
    /// <param name="length">Length of the RTCP packet at the start of <paramref name="buffer"/>.</param>
    /// <param name="protectedLength">Length of the SRTCP packet, or 0 when the status is not <see cref="SrtpStatus.Ok"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or beyond <paramref name="buffer"/>.</exception>
    public SrtpStatus ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        ThrowIfOutside(buffer, length);
        if (!TryReadRtcpHeader(buffer[..length], out uint ssrc))
            return Count(SrtpStatus.Malformed);
        if (buffer.Length - length < _cipher.RtcpTrailerLength)
            return Count(SrtpStatus.BufferTooSmall);
        int slot = FindOrAddStream(ssrc);
        if (slot < 0)
            return Count(SrtpStatus.StreamLimitReached);

        ref SrtpStream stream = ref _streams[slot];
        if (stream.NextRtcpIndex > ~SrtpCipher.EncryptedFlag)
            return Count(SrtpStatus.KeyLifetimeExhausted);
        protectedLength = _cipher.ProtectRtcp(buffer, length, ssrc, stream.NextRtcpIndex++);
        _protected++;
        return SrtpStatus.Ok;
    }

    /// <summary>Authenticates, replay-checks and (when its E flag is set) decrypts an SRTCP packet in place.</summary>
    /// <param name="buffer">Holds the SRTCP packet at its start.</param>
    /// <param name="length">Length of the SRTCP packet.</param>
    /// <param name="plainLength">Length of the RTCP packet, or 0 when the status is not <see cref="SrtpStatus.Ok"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or beyond <paramref name="buffer"/>.</exception>
    public SrtpStatus UnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        ThrowIfOutside(buffer, length);
        int contentLength = length - _cipher.RtcpTrailerLength;
        if (contentLength < SrtpCipher.RtcpClearHeaderLength || !TryReadRtcpHeader(buffer[..contentLength], out uint ssrc))
            return Count(SrtpStatus.Malformed);
        if (!TryFindReceiveStream(ssrc, out int slot))
            return Count(SrtpStatus.StreamLimitReached);

        uint flagAndIndex = _cipher.ReadRtcpFlagAndIndex(buffer[..length]);
        uint index = flagAndIndex & ~SrtpCipher.EncryptedFlag;
        SrtpStatus status = slot >= 0 ? _streams[slot].RtcpReplay.Check(index) : SrtpStatus.Ok;
        if (status != SrtpStatus.Ok)
            return Count(status);
        if (!_cipher.UnprotectRtcp(buffer, length, ssrc, flagAndIndex))
            return Count(SrtpStatus.AuthenticationFailed);

        AuthenticatedStream(slot, ssrc).RtcpReplay.Accept(index);
        plainLength = contentLength;
        _unprotected++;
        return SrtpStatus.Ok;
    }

    /// <summary>Releases the native cipher contexts.</summary>
    public void Dispose() => _cipher.Dispose();

    /// <summary>
    /// Header length, SSRC and sequence number of an RTP packet: fixed header, CSRCs and, when the X bit
    /// is set, the extension, all inside <paramref name="packet"/>. Padding is part of the encrypted payload.
    /// </summary>
    internal static bool TryReadRtpHeader(ReadOnlySpan<byte> packet, out int headerLength, out uint ssrc, out ushort sequence)
    {
        headerLength = 0;
        ssrc = 0;
        sequence = 0;
        if (packet.Length < RtpFixedHeaderLength || packet[0] >> 6 != RtpVersion)
            return false;
        int length = RtpFixedHeaderLength + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
                return false;
            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]);
        }

        if (length > packet.Length)
            return false;
        headerLength = length;
        sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        return true;
    }

    /// <summary>Sender SSRC of an RTCP packet of version 2 with at least its first header and SSRC.</summary>
    private static bool TryReadRtcpHeader(ReadOnlySpan<byte> packet, out uint ssrc)
    {
        ssrc = 0;
        if (packet.Length < SrtpCipher.RtcpClearHeaderLength || packet[0] >> 6 != RtpVersion)
            return false;
        ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        return true;
    }

    /// <summary>
    /// The packet index i = 2^16 * v + SEQ, with v the rollover counter guessed from the highest sequence
    /// s_l (RFC 3711 section 3.3.1 and Appendix A). A guess before ROC 0 is a packet older than the stream.
    /// </summary>
    private static SrtpStatus EstimateIndex(in SrtpStream stream, ushort sequence, out ulong index)
    {
        index = 0;
        long roc = stream.RolloverCounter;
        if (stream.RtpStarted)
        {
            int highest = stream.HighestSequence;
            if (highest < HalfSequenceSpace)
                roc -= sequence - highest > HalfSequenceSpace ? 1 : 0;
            else
                roc += highest - HalfSequenceSpace > sequence ? 1 : 0;
        }

        if (roc < 0)
            return SrtpStatus.TooOld;
        if (roc > uint.MaxValue)
            return SrtpStatus.KeyLifetimeExhausted;
        index = ((ulong)roc << 16) | sequence;
        return SrtpStatus.Ok;
    }

    /// <summary>Moves ROC and s_l forward when <paramref name="index"/> is the highest so far.</summary>
    private static void AdvanceRtp(ref SrtpStream stream, ulong index)
    {
        if (stream.RtpStarted && index <= stream.HighestIndex)
            return;
        stream.RtpStarted = true;
        stream.RolloverCounter = (uint)(index >> 16);
        stream.HighestSequence = (ushort)index;
    }

    private static void ThrowIfOutside(Span<byte> buffer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
    }

    /// <summary>The slot of a known stream, or -1 for a new one; false when a new one would exceed the limit.</summary>
    private bool TryFindReceiveStream(uint ssrc, out int slot)
    {
        slot = _streams.IndexOf(ssrc);
        return slot >= 0 || !_streams.IsFull;
    }

    /// <summary>The state of a stream whose packet just authenticated, taking its slot if it is new.</summary>
    private ref SrtpStream AuthenticatedStream(int slot, uint ssrc) => ref _streams[slot >= 0 ? slot : _streams.Add(ssrc)];

    private int FindOrAddStream(uint ssrc)
    {
        int slot = _streams.IndexOf(ssrc);
        return slot >= 0 ? slot : _streams.Add(ssrc);
    }

    private SrtpStatus Count(SrtpStatus status)
    {
        switch (status)
        {
            case SrtpStatus.Malformed: _malformed++; break;
            case SrtpStatus.AuthenticationFailed: _authenticationFailures++; break;
            case SrtpStatus.Replayed: _replays++; break;
            case SrtpStatus.TooOld: _tooOld++; break;
            case SrtpStatus.StreamLimitReached: _streamsRefused++; break;
            default: _protectFailures++; break;
        }

        return status;
    }
}
