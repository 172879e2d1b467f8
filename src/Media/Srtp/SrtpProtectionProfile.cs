namespace Beryl.Media.Srtp;

/// <summary>
/// SRTP protection profiles negotiated by the DTLS <c>use_srtp</c> extension; values are the IANA registry code points
/// (RFC 5764 section 4.1.2, RFC 7714 section 14.2).
/// </summary>
public enum SrtpProtectionProfile : ushort
{
    /// <summary>AES-128 counter mode with an 80-bit HMAC-SHA1 tag (RFC 3711).</summary>
    Aes128CmHmacSha1_80 = 0x0001,

    /// <summary>AES-128 counter mode with a 32-bit HMAC-SHA1 tag on RTP, 80-bit on RTCP (RFC 5764).</summary>
    Aes128CmHmacSha1_32 = 0x0002,

    /// <summary>AEAD AES-128 GCM with a 16-byte tag (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,
}

/// <summary>Key and salt lengths of each <see cref="SrtpProtectionProfile"/>.</summary>
public static class SrtpProtectionProfiles
{
    /// <summary>Master key length in bytes.</summary>
    public static int MasterKeyLength(SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.Aes128CmHmacSha1_80 or SrtpProtectionProfile.Aes128CmHmacSha1_32 or SrtpProtectionProfile.AeadAes128Gcm => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "unknown SRTP protection profile"),
    };

    /// <summary>Master salt length in bytes: 14 for AES-CM (RFC 3711), 12 for AES-GCM (RFC 7714).</summary>
    public static int MasterSaltLength(SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.Aes128CmHmacSha1_80 or SrtpProtectionProfile.Aes128CmHmacSha1_32 => 14,
        SrtpProtectionProfile.AeadAes128Gcm => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "unknown SRTP protection profile"),
    };

    /// <summary>Whether Beryl implements the profile.</summary>
    public static bool IsSupported(SrtpProtectionProfile profile) =>
        profile is SrtpProtectionProfile.Aes128CmHmacSha1_80 or SrtpProtectionProfile.Aes128CmHmacSha1_32 or SrtpProtectionProfile.AeadAes128Gcm;
}
