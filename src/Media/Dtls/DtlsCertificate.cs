using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using TlsCertificate = Org.BouncyCastle.Crypto.Tls.Certificate;

namespace Beryl.Media.Dtls;

/// <summary>
/// The local DTLS identity: a self-signed ECDSA P-256 certificate (what browsers generate and require) and its private
/// key. Immutable, so one instance can serve any number of concurrent connections; keep it (see
/// <see cref="ExportCertificate"/> and <see cref="ExportPrivateKey"/>) to keep the same <see cref="Fingerprint"/>.
/// </summary>
public sealed class DtlsCertificate
{
    private readonly byte[] _derCertificate;
    private readonly byte[] _pkcs8PrivateKey;

    private DtlsCertificate(byte[] derCertificate, byte[] pkcs8PrivateKey, X509CertificateStructure certificate, ECPrivateKeyParameters privateKey)
    {
        _derCertificate = derCertificate;
        _pkcs8PrivateKey = pkcs8PrivateKey;
        TlsChain = new TlsCertificate([certificate]);
        PrivateKey = privateKey;
        Fingerprint = DtlsFingerprint.Compute(DtlsFingerprintAlgorithm.Sha256, derCertificate);
        NotBefore = new DateTimeOffset(certificate.StartDate.ToDateTime());
        NotAfter = new DateTimeOffset(certificate.EndDate.ToDateTime());
    }

    /// <summary>SHA-256 fingerprint of the DER certificate, as put into the SDP <c>a=fingerprint</c> attribute.</summary>
    public DtlsFingerprint Fingerprint { get; }

    /// <summary>Start of the validity period.</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>End of the validity period.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>The certificate as a one-element chain, for BouncyCastle's TLS stack.</summary>
    internal TlsCertificate TlsChain { get; }

    /// <summary>The signing key, for BouncyCastle's TLS stack.</summary>
    internal ECPrivateKeyParameters PrivateKey { get; }

    /// <summary>
    /// Generates a fresh key pair and a self-signed SHA256withECDSA certificate with a random serial number, valid from
    /// one day ago (tolerates peers with slow clocks) for <paramref name="validity"/> (default 30 days).
    /// </summary>
    /// <param name="commonName">Subject and issuer CN; peers never look at it.</param>
    /// <param name="validity">How long the certificate stays valid from now.</param>
    public static DtlsCertificate Generate(string commonName = "beryl", TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var lifetime = validity ?? TimeSpan.FromDays(30);
        if (lifetime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(validity), validity, "validity must be positive");

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + commonName), key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        Span<byte> serial = stackalloc byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F; // a DER INTEGER with the top bit set would be negative; serials must be positive
        serial[0] |= 0x01; // and non-zero in the first byte so the encoding keeps all 16 bytes
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now.AddDays(-1), now + lifetime, serial);
        return Import(certificate.RawData, key.ExportPkcs8PrivateKey());
    }

    /// <summary>Restores an identity saved with <see cref="ExportCertificate"/> and <see cref="ExportPrivateKey"/>.</summary>
    /// <param name="derCertificate">The DER X.509 certificate.</param>
    /// <param name="pkcs8PrivateKey">The matching EC private key as unencrypted PKCS#8 DER.</param>
    /// <exception cref="ArgumentException">Either blob does not decode, the key is not an EC key, or it does not belong to the certificate.</exception>
    public static DtlsCertificate Import(ReadOnlySpan<byte> derCertificate, ReadOnlySpan<byte> pkcs8PrivateKey)
    {
        byte[] certificateBytes = derCertificate.ToArray();
        byte[] keyBytes = pkcs8PrivateKey.ToArray();
        X509CertificateStructure certificate;
        AsymmetricKeyParameter privateKey;
        AsymmetricKeyParameter publicKey;
        try
        {
            certificate = X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(certificateBytes))
                ?? throw new ArgumentException("empty certificate");
            publicKey = PublicKeyFactory.CreateKey(certificate.SubjectPublicKeyInfo);
            privateKey = PrivateKeyFactory.CreateKey(keyBytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // BouncyCastle's ASN.1 decoder reports bad input with whatever exception the broken structure provokes.
            throw new ArgumentException("not a DER X.509 certificate and PKCS#8 private key: " + e.Message, e);
        }
        if (privateKey is not ECPrivateKeyParameters ecPrivate || publicKey is not ECPublicKeyParameters ecPublic)
            throw new ArgumentException("the certificate and key must be ECDSA");
        if (!ecPublic.Parameters.Equals(ecPrivate.Parameters) || !ecPublic.Q.Equals(ecPrivate.Parameters.G.Multiply(ecPrivate.D).Normalize()))
            throw new ArgumentException("the private key does not belong to the certificate");
        return new DtlsCertificate(certificateBytes, keyBytes, certificate, ecPrivate);
    }

    /// <summary>The certificate, DER-encoded (what the fingerprint hashes).</summary>
    public byte[] ExportCertificate() => (byte[])_derCertificate.Clone();

    /// <summary>The private key as unencrypted PKCS#8 DER; store it as a secret.</summary>
    public byte[] ExportPrivateKey() => (byte[])_pkcs8PrivateKey.Clone();
}
