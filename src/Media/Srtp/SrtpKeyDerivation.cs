namespace Beryl.Media.Srtp;

/// <summary>
/// The AES-CM key derivation function of RFC 3711 section 4.3 with key derivation rate 0, also used by
/// AES-GCM (RFC 7714 section 11, where the 12-byte master salt is padded with zeros to 14 bytes).
/// </summary>
internal static class SrtpKeyDerivation
{
    public const byte SrtpEncryptionLabel = 0;
    public const byte SrtpAuthenticationLabel = 1;
    public const byte SrtpSaltLabel = 2;
    public const byte SrtcpEncryptionLabel = 3;
    public const byte SrtcpAuthenticationLabel = 4;
    public const byte SrtcpSaltLabel = 5;

    /// <summary>Fills <paramref name="sessionKey"/> with the key for <paramref name="label"/>.</summary>
    /// <param name="master">AES-CM keyed with the master key.</param>
    /// <param name="masterSalt">The 14-byte (AES-CM) or 12-byte (AES-GCM) master salt.</param>
    /// <param name="label">0..5, see the label constants.</param>
    /// <param name="sessionKey">Receives the derived bytes; its length is the length derived.</param>
    public static void Derive(AesCounterMode master, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> sessionKey)
    {
        // x = key_id XOR master_salt, key_id = label || r (48 zero bits with rate 0), both 112 bits
        // right-aligned; the counter block is x * 2^16.
        Span<byte> counter = stackalloc byte[AesCounterMode.BlockSize];
        counter.Clear();
        masterSalt.CopyTo(counter);
        counter[7] ^= label;
        sessionKey.Clear();
        master.Apply(counter, sessionKey);
    }
}
