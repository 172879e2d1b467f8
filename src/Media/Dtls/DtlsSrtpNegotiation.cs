using System.Collections;
using Beryl.Media.Srtp;
using Org.BouncyCastle.Crypto.Tls;
using SrtpProtectionProfile = Beryl.Media.Srtp.SrtpProtectionProfile;
using TlsCertificate = Org.BouncyCastle.Crypto.Tls.Certificate;

namespace Beryl.Media.Dtls;

/// <summary>
/// What the BouncyCastle client and server peers of one handshake share: the local identity, the SRTP profile
/// negotiation (RFC 5764 section 4.1), the remote certificate check, alert bookkeeping and the key export (section 4.2).
/// </summary>
internal sealed class DtlsSrtpNegotiation
{
    // Chrome and OpenSSL pick GCM; CBC is there for older stacks. All need an ECDSA certificate, which is what we have.
    private static readonly int[] s_cipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    private readonly IReadOnlyList<SrtpProtectionProfile> _profiles;
    private readonly Func<TlsCertificate, DtlsFingerprint> _verifyRemoteCertificate;
    private readonly Action<DtlsHandshakeFailure, string> _recordFailure;
    private volatile bool _closeNotifyReceived;
    private int _fatalAlertReceived = -1;
    private string _clientOffer = "";

    public DtlsSrtpNegotiation(DtlsCertificate certificate, IReadOnlyList<SrtpProtectionProfile> profiles,
        Func<TlsCertificate, DtlsFingerprint> verifyRemoteCertificate, Action<DtlsHandshakeFailure, string> recordFailure)
    {
        Certificate = certificate;
        _profiles = profiles;
        _verifyRemoteCertificate = verifyRemoteCertificate;
        _recordFailure = recordFailure;
    }

    public DtlsCertificate Certificate { get; }

    public SrtpProtectionProfile? SelectedProfile { get; private set; }

    /// <summary>Set once the peer's certificate matched a signalled fingerprint.</summary>
    public DtlsFingerprint? RemoteFingerprint { get; private set; }

    public bool CloseNotifyReceived => _closeNotifyReceived;

    /// <summary>The description of a fatal alert the peer sent, if it sent one.</summary>
    public byte? FatalAlertReceived => Volatile.Read(ref _fatalAlertReceived) is int alert and >= 0 ? (byte)alert : null;

    public static int[] CipherSuites => (int[])s_cipherSuites.Clone();

    /// <summary>
    /// What a server accepts in the peer's CertificateVerify: ECDSA (our kind) first, RSA for older peers.
    /// </summary>
    public static IList AcceptedSignatureAlgorithms() => new[]
    {
        new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.rsa),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha512, SignatureAlgorithm.rsa),
    };

    /// <summary>
    /// Signing credentials for our certificate, with the ECDSA signature algorithm the peer listed
    /// (ecdsa_secp256r1_sha256 preferred); null when the peer accepts no ECDSA signature at all.
    /// </summary>
    public TlsSignerCredentials? CreateSignerCredentials(TlsContext context, IList? peerSignatureAlgorithms)
    {
        SignatureAndHashAlgorithm? chosen = null;
        if (peerSignatureAlgorithms is null)
        {
            // RFC 5246 7.4.1.4.1: a peer that lists nothing supports SHA-1 only.
            chosen = new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa);
        }
        else
        {
            foreach (SignatureAndHashAlgorithm algorithm in peerSignatureAlgorithms)
            {
                if (algorithm.Signature != SignatureAlgorithm.ecdsa)
                    continue;
                if (algorithm.Hash == HashAlgorithm.sha256)
                {
                    chosen = algorithm;
                    break;
                }
                chosen ??= algorithm;
            }
        }
        return chosen is null ? null : new DefaultTlsSignerCredentials(context, Certificate.TlsChain, Certificate.PrivateKey, chosen);
    }

    /// <summary>The client's <c>use_srtp</c> offer: all our profiles in preference order, no MKI.</summary>
    public UseSrtpData CreateOffer()
    {
        var profiles = new int[_profiles.Count];
        for (int i = 0; i < profiles.Length; i++)
            profiles[i] = (int)_profiles[i];
        return new UseSrtpData(profiles, TlsUtilities.EmptyBytes);
    }

    /// <summary>
    /// Server side: picks our most preferred profile among the client's offer, if any. The client's MKI is ignored
    /// (RFC 5764 4.1.1 lets the server answer without one).
    /// </summary>
    public void ChooseProfile(IDictionary? clientExtensions)
    {
        var offered = TlsSRTPUtils.GetUseSrtpExtension(clientExtensions)?.ProtectionProfiles ?? [];
        _clientOffer = string.Join(", ", offered);
        foreach (var profile in _profiles.Append(SrtpProtectionProfile.Aes128CmHmacSha1_32))
        {
            if (Array.IndexOf(offered, (int)profile) >= 0)
            {
                SelectedProfile = profile;
                return;
            }
        }
    }

    /// <summary>Server side: the one-profile <c>use_srtp</c> answer, or null when nothing matched (RFC 5764 4.1.1: then the server leaves the extension out).</summary>
    public UseSrtpData? CreateAnswer() =>
        SelectedProfile is { } profile ? new UseSrtpData([(int)profile], TlsUtilities.EmptyBytes) : null;

    /// <summary>
    /// Server side, right after the ServerHello went out: without a common profile the handshake ends here. Failing
    /// any earlier would be silent, since BouncyCastle sends no alert before it has answered the ClientHello.
    /// </summary>
    public void RequireSelectedProfile()
    {
        if (SelectedProfile is null)
            throw Refuse(DtlsHandshakeFailure.NoCommonSrtpProfile, $"no common SRTP protection profile in the client's offer ({_clientOffer})", AlertDescription.handshake_failure);
    }

    /// <summary>Client side: the server must answer with exactly one profile we offered and no MKI (RFC 5764 4.1.1, 4.1.3).</summary>
    public void AcceptAnswer(IDictionary? serverExtensions)
    {
        var answer = TlsSRTPUtils.GetUseSrtpExtension(serverExtensions);
        if (answer?.ProtectionProfiles is not { } answered)
            throw Refuse(DtlsHandshakeFailure.NoCommonSrtpProfile, "the server did not accept use_srtp", AlertDescription.handshake_failure);
        if (answered.Length != 1 || !_profiles.Contains((SrtpProtectionProfile)answered[0]))
            throw Refuse(DtlsHandshakeFailure.NoCommonSrtpProfile, $"the server answered use_srtp with profiles we did not offer ({string.Join(", ", answered)})", AlertDescription.illegal_parameter);
        if (answer.Mki is { Length: > 0 })
            throw Refuse(DtlsHandshakeFailure.NoCommonSrtpProfile, "the server answered use_srtp with an MKI we did not offer", AlertDescription.illegal_parameter);
        SelectedProfile = (SrtpProtectionProfile)answered[0];
    }

    /// <summary>Checks the peer's chain against the signalled fingerprints; throws a fatal alert when it does not match.</summary>
    public void VerifyRemoteCertificate(TlsCertificate? chain)
    {
        if (chain is null || chain.IsEmpty)
            throw Refuse(DtlsHandshakeFailure.RemoteCertificateMissing, "the peer sent no certificate", AlertDescription.bad_certificate);
        RemoteFingerprint = _verifyRemoteCertificate(chain);
    }

    public void NotifyAlertReceived(byte level, byte description)
    {
        if (level == AlertLevel.fatal)
            Interlocked.CompareExchange(ref _fatalAlertReceived, description, -1);
        else if (description == AlertDescription.close_notify)
            _closeNotifyReceived = true;
    }

    /// <summary>The SRTP keys, once <see cref="ExportKeys"/> ran.</summary>
    public DtlsSrtpKeys? Keys { get; private set; }

    /// <summary>
    /// Exports and splits the keying material (RFC 5764 4.2). Runs from the peers' NotifyHandshakeComplete: the
    /// Finished messages are verified, and BouncyCastle has not yet wiped the master secret.
    /// </summary>
    public void ExportKeys(TlsContext context)
    {
        if (SelectedProfile is not { } profile)
            throw Refuse(DtlsHandshakeFailure.NoCommonSrtpProfile, "no SRTP protection profile was negotiated", AlertDescription.handshake_failure);
        if (RemoteFingerprint is not { } remoteFingerprint)
            throw Refuse(DtlsHandshakeFailure.RemoteCertificateMissing, "the peer's certificate was never verified", AlertDescription.bad_certificate);
        var parameters = context.SecurityParameters;
        if (!parameters.IsExtendedMasterSecret)
            throw Refuse(DtlsHandshakeFailure.ProtocolError, "the peer did not negotiate the extended master secret", AlertDescription.handshake_failure);
        int keyLength = SrtpProtectionProfiles.MasterKeyLength(profile);
        int saltLength = SrtpProtectionProfiles.MasterSaltLength(profile);
        byte[] material = context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (keyLength + saltLength));
        try
        {
            // client_write_key | server_write_key | client_write_salt | server_write_salt
            var span = material.AsSpan();
            var client = new SrtpKeyingMaterial(profile, span.Slice(0, keyLength), span.Slice(2 * keyLength, saltLength));
            var server = new SrtpKeyingMaterial(profile, span.Slice(keyLength, keyLength), span.Slice(2 * keyLength + saltLength, saltLength));
            Keys = context.IsServer
                ? new DtlsSrtpKeys(server, client, remoteFingerprint, parameters.CipherSuite, parameters.IsExtendedMasterSecret)
                : new DtlsSrtpKeys(client, server, remoteFingerprint, parameters.CipherSuite, parameters.IsExtendedMasterSecret);
        }
        finally
        {
            Array.Clear(material);
        }
    }

    public TlsFatalAlert Refuse(DtlsHandshakeFailure reason, string message, byte alert)
    {
        _recordFailure(reason, message);
        return new TlsFatalAlert(alert);
    }
}
