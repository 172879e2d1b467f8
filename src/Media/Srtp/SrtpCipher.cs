using System.Buffers.Binary;

namespace Beryl.Media.Srtp;

/// <summary>
/// One protection profile's transforms with its derived session keys. Callers validate lengths and
/// headers first: the methods assume the spans are large enough.
/// </summary>
internal abstract class SrtpCipher : IDisposable
{
    /// <summary>The SRTCP E flag, top bit of the 32-bit word carrying the SRTCP index.</summary>
    public const uint EncryptedFlag = 0x8000_0000;

    /// <summary>Length of the E flag and SRTCP index word.</summary>
    public const int RtcpIndexLength = 4;

    /// <summary>Bytes of the RTCP header and sender SSRC, which stay in the clear.</summary>
    public const int RtcpClearHeaderLength = 8;

    public abstract int RtpTagLength { get; }

    public abstract int RtcpTagLength { get; }

    /// <summary>Bytes an SRTCP packet carries after its RTCP content.</summary>
    public int RtcpTrailerLength => RtcpTagLength + RtcpIndexLength;

    public static SrtpCipher Create(SrtpKeyingMaterial keys) => keys.Profile switch
    {
        SrtpProtectionProfile.Aes128CmHmacSha1_80 => new AesCmHmacSha1Cipher(keys, rtpTagLength: 10),
        SrtpProtectionProfile.Aes128CmHmacSha1_32 => new AesCmHmacSha1Cipher(keys, rtpTagLength: 4),
        SrtpProtectionProfile.AeadAes128Gcm => new AesGcmCipher(keys),
        _ => throw new ArgumentException($"SRTP profile {keys.Profile} is not supported", nameof(keys)),
    };

    /// <summary>Encrypts <c>packet[headerLength..]</c> and writes the tag to <paramref name="tag"/>.</summary>
    public abstract void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index, Span<byte> tag);

    /// <summary>Checks <paramref name="tag"/> over <paramref name="packet"/> and, when it matches, decrypts the payload.</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index, ReadOnlySpan<byte> tag);

    /// <summary>Protects <c>buffer[..length]</c> with <paramref name="index"/> (E flag set); returns the SRTCP length.</summary>
    public abstract int ProtectRtcp(Span<byte> buffer, int length, uint ssrc, uint index);

    /// <summary>Authenticates and, when the E flag is set, decrypts the SRTCP packet <c>buffer[..length]</c>.</summary>
    public abstract bool UnprotectRtcp(Span<byte> buffer, int length, uint ssrc, uint flagAndIndex);

    /// <summary>The E flag and SRTCP index word of an SRTCP packet whose length the caller has checked.</summary>
    public abstract uint ReadRtcpFlagAndIndex(ReadOnlySpan<byte> packet);

    public abstract void Dispose();

    /// <summary>Derives one session key or salt into a stack buffer owned by the caller.</summary>
    protected static void Derive(AesCounterMode master, SrtpKeyingMaterial keys, byte label, Span<byte> destination) =>
        SrtpKeyDerivation.Derive(master, keys.MasterSalt.Span, label, destination);

    protected static void WriteFlagAndIndex(Span<byte> destination, uint index) =>
        BinaryPrimitives.WriteUInt32BigEndian(destination, index | EncryptedFlag);
}
