namespace Beryl.Media.Srtp;

/// <summary>One direction's SRTP master key and master salt, as exported by DTLS-SRTP (RFC 5764 section 4.2).</summary>
public sealed class SrtpKeyingMaterial
{
    /// <summary>Copies a key and salt whose lengths match <paramref name="profile"/>.</summary>
    /// <exception cref="ArgumentException">A length does not match the profile.</exception>
    public SrtpKeyingMaterial(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != SrtpProtectionProfiles.MasterKeyLength(profile))
            throw new ArgumentException($"{profile} needs a {SrtpProtectionProfiles.MasterKeyLength(profile)}-byte master key, got {masterKey.Length}", nameof(masterKey));
        if (masterSalt.Length != SrtpProtectionProfiles.MasterSaltLength(profile))
            throw new ArgumentException($"{profile} needs a {SrtpProtectionProfiles.MasterSaltLength(profile)}-byte master salt, got {masterSalt.Length}", nameof(masterSalt));
        Profile = profile;
        MasterKey = masterKey.ToArray();
        MasterSalt = masterSalt.ToArray();
    }

    /// <summary>The protection profile the key and salt belong to.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>The master key.</summary>
    public ReadOnlyMemory<byte> MasterKey { get; }

    /// <summary>The master salt.</summary>
    public ReadOnlyMemory<byte> MasterSalt { get; }
}
