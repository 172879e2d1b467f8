using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Beryl.Media.Dtls;

namespace Beryl.Media.Tests.Dtls;

[TestFixture]
public sealed class DtlsCertificateTests
{
    [Test]
    public void Generate_MakesASelfSignedEcdsaP256Sha256Certificate()
    {
        var identity = DtlsCertificate.Generate("beryl", TimeSpan.FromDays(365));
        using var certificate = X509CertificateLoader.LoadCertificate(identity.ExportCertificate());
        using var publicKey = certificate.GetECDsaPublicKey();

        Assert.Multiple(() =>
        {
            Assert.That(certificate.Subject, Is.EqualTo("CN=beryl"));
            Assert.That(certificate.Issuer, Is.EqualTo(certificate.Subject));
            Assert.That(certificate.SignatureAlgorithm.Value, Is.EqualTo("1.2.840.10045.4.3.2"), "ecdsa-with-SHA256");
            Assert.That(publicKey, Is.Not.Null);
            Assert.That(publicKey!.ExportParameters(false).Curve.Oid.Value, Is.EqualTo("1.2.840.10045.3.1.7"), "P-256");
            Assert.That(certificate.NotBefore, Is.LessThan(DateTime.Now.AddHours(-12)));
            Assert.That(certificate.NotAfter, Is.GreaterThan(DateTime.Now.AddDays(364)).And.LessThan(DateTime.Now.AddDays(366)));
            Assert.That(identity.NotAfter - identity.NotBefore, Is.EqualTo(TimeSpan.FromDays(366)).Within(TimeSpan.FromMinutes(1)));
            Assert.That(identity.NotAfter.UtcDateTime, Is.EqualTo(certificate.NotAfter.ToUniversalTime()).Within(TimeSpan.FromSeconds(1)));
            Assert.That(certificate.SerialNumberBytes.Length, Is.GreaterThanOrEqualTo(8));
            Assert.That(identity.Fingerprint.Algorithm, Is.EqualTo(DtlsFingerprintAlgorithm.Sha256));
            Assert.That(identity.Fingerprint.Digest.ToArray(), Is.EqualTo(SHA256.HashData(certificate.RawData)));
        });

        // Self-signed: the certificate's own key verifies its signature.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.That(chain.Build(certificate), Is.True, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Test]
    public void Generate_GivesEachIdentityItsOwnKeySerialAndFingerprint()
    {
        var first = DtlsCertificate.Generate();
        var second = DtlsCertificate.Generate();
        using var a = X509CertificateLoader.LoadCertificate(first.ExportCertificate());
        using var b = X509CertificateLoader.LoadCertificate(second.ExportCertificate());
        Assert.That(first.Fingerprint, Is.Not.EqualTo(second.Fingerprint));
        Assert.That(a.SerialNumber, Is.Not.EqualTo(b.SerialNumber));
        Assert.That(first.ExportPrivateKey(), Is.Not.EqualTo(second.ExportPrivateKey()));
    }

    [Test]
    public async Task ExportThenImport_KeepsTheIdentity_AndStillHandshakes()
    {
        var original = TestIdentities.Server;
        var restored = DtlsCertificate.Import(original.ExportCertificate(), original.ExportPrivateKey());
        Assert.That(restored.Fingerprint, Is.EqualTo(original.Fingerprint));
        Assert.That(restored.NotAfter, Is.EqualTo(original.NotAfter));

        // The restored key must really sign: a client that expects the original fingerprint accepts it.
        DtlsTransport? server = null;
        using var client = new DtlsTransport(TestIdentities.Client, DtlsRole.Client, d => server!.DeliverDatagram(d.Span));
        using var serverScope = server = new DtlsTransport(restored, DtlsRole.Server, d => client.DeliverDatagram(d.Span));
        client.SetRemoteFingerprint(original.Fingerprint);
        server.SetRemoteFingerprint(TestIdentities.Client.Fingerprint);
        var serverKeys = server.HandshakeAsync();
        var clientKeys = await client.HandshakeAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(clientKeys.RemoteKeys.MasterKey.ToArray(), Is.EqualTo((await serverKeys).LocalKeys.MasterKey.ToArray()));
    }

    [Test]
    public void Import_RejectsGarbage_AndAKeyFromAnotherCertificate()
    {
        var certificate = TestIdentities.Client.ExportCertificate();
        var key = TestIdentities.Client.ExportPrivateKey();
        Assert.Throws<ArgumentException>(() => DtlsCertificate.Import([], key));
        Assert.Throws<ArgumentException>(() => DtlsCertificate.Import(certificate, []));
        Assert.Throws<ArgumentException>(() => DtlsCertificate.Import(certificate.AsSpan(0, certificate.Length / 2), key));
        Assert.Throws<ArgumentException>(() => DtlsCertificate.Import(key, certificate));
        Assert.Throws<ArgumentException>(() => DtlsCertificate.Import(certificate, TestIdentities.Server.ExportPrivateKey()));
        using var rsa = RSA.Create(2048);
        Assert.Throws<ArgumentException>(() => DtlsCertificate.Import(certificate, rsa.ExportPkcs8PrivateKey()));
    }
}
