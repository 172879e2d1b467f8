using Beryl.Media.Srtp;

namespace Beryl.Media.Dtls;

/// <summary>Tuning of a <see cref="DtlsTransport"/>; the defaults suit WebRTC peers (Chrome, Firefox, aiortc).</summary>
public sealed class DtlsTransportOptions
{
    /// <summary>How long the handshake may take, retransmissions included, before it fails with <see cref="DtlsHandshakeFailure.Timeout"/>. Default 20 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// SRTP protection profiles in preference order: what a client offers and what a server chooses from. A server also
    /// accepts <see cref="SrtpProtectionProfile.Aes128CmHmacSha1_32"/> as a last resort when the client offers nothing
    /// else in common. Default: AEAD AES-128 GCM, then AES-128 CM with HMAC-SHA1-80.
    /// </summary>
    public IReadOnlyList<SrtpProtectionProfile> SrtpProfiles { get; init; } =
        [SrtpProtectionProfile.AeadAes128Gcm, SrtpProtectionProfile.Aes128CmHmacSha1_80];

    /// <summary>Largest datagram the handshake sends, UDP payload bytes; handshake messages are fragmented to fit. Default 1200 (safe over any path with ICE and TURN overhead).</summary>
    public int Mtu { get; init; } = 1200;

    /// <summary>Largest datagram accepted from the peer; bigger ones are dropped and counted. Default 1500.</summary>
    public int MaxReceiveDatagramSize { get; init; } = 1500;

    /// <summary>How many received datagrams may wait for the DTLS thread; more are dropped and counted (the peer retransmits). Default 64.</summary>
    public int ReceiveQueueCapacity { get; init; } = 64;

    internal void Validate()
    {
        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "must be positive and fit in int milliseconds");
        if (SrtpProfiles is null || SrtpProfiles.Count == 0)
            throw new ArgumentException("at least one SRTP protection profile is needed", nameof(SrtpProfiles));
        if (SrtpProfiles.Distinct().Count() != SrtpProfiles.Count)
            throw new ArgumentException("an SRTP protection profile is listed twice", nameof(SrtpProfiles));
        foreach (var profile in SrtpProfiles)
        {
            if (!SrtpProtectionProfiles.IsSupported(profile))
                throw new ArgumentException($"SRTP protection profile {profile} is not supported", nameof(SrtpProfiles));
        }
        if (Mtu is < 256 or > 65507)
            throw new ArgumentOutOfRangeException(nameof(Mtu), Mtu, "must be a UDP payload size between 256 and 65507");
        if (MaxReceiveDatagramSize < Mtu || MaxReceiveDatagramSize > 65507)
            throw new ArgumentOutOfRangeException(nameof(MaxReceiveDatagramSize), MaxReceiveDatagramSize, "must be at least the MTU and at most 65507");
        if (ReceiveQueueCapacity is < 1 or > 4096)
            throw new ArgumentOutOfRangeException(nameof(ReceiveQueueCapacity), ReceiveQueueCapacity, "must be between 1 and 4096");
    }
}
