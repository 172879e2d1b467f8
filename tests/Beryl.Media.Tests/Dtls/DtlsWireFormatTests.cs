using System.Buffers.Binary;

namespace Beryl.Media.Tests.Dtls;

/// <summary>
/// What goes on the wire, read back with an independent parser: the hello messages must carry what Chrome (BoringSSL)
/// and aiortc (OpenSSL) require: ECDHE-ECDSA GCM suites, extended_master_secret, use_srtp with GCM first, P-256 and
/// ecdsa_secp256r1_sha256.
/// </summary>
[TestFixture]
public sealed class DtlsWireFormatTests
{
    private const ushort ExtendedMasterSecret = 0x0017, UseSrtp = 0x000E, SupportedGroups = 0x000A, SignatureAlgorithms = 0x000D, EcPointFormats = 0x000B;

    private sealed record Hello(byte Type, ushort Version, ushort[] CipherSuites, Dictionary<ushort, byte[]> Extensions);

    private static Hello s_clientHello = null!, s_serverHello = null!;

    [OneTimeSetUp]
    public async Task CaptureAHandshake()
    {
        using var pair = new DtlsTestPair();
        var (client, server) = await pair.HandshakeAsync();
        await client;
        await server;
        s_clientHello = ParseHello(pair.ClientSent[0]);
        s_serverHello = ParseHello(pair.ServerSent[0]);
    }

    [Test]
    public void ClientHello_OffersDtls12_EcdsaGcmSuites_AndNothingWeak()
    {
        Assert.That(s_clientHello.Type, Is.EqualTo(1));
        Assert.That(s_clientHello.Version, Is.EqualTo(0xFEFD), "DTLS 1.2");
        Assert.That(s_clientHello.CipherSuites.Where(s => s != 0x00FF), // the renegotiation SCSV may accompany the offer
            Is.EqualTo(new ushort[] { 0xC02B, 0xC02C, 0xC009 }), "ECDHE_ECDSA with AES_128_GCM_SHA256, AES_256_GCM_SHA384, AES_128_CBC_SHA");
    }

    [Test]
    public void ClientHello_CarriesTheExtensionsBrowsersRequire()
    {
        var extensions = s_clientHello.Extensions;
        Assert.That(extensions.ContainsKey(ExtendedMasterSecret), Is.True, "extended_master_secret (RFC 7627)");
        Assert.That(extensions[ExtendedMasterSecret], Is.Empty);
        // use_srtp: a two-byte list length, the profiles, then an empty MKI.
        Assert.That(extensions[UseSrtp], Is.EqualTo(new byte[] { 0, 4, 0x00, 0x07, 0x00, 0x01, 0 }), "AEAD_AES_128_GCM, then AES128_CM_HMAC_SHA1_80, no MKI");
        Assert.That(Uint16List(extensions[SupportedGroups]), Does.Contain((ushort)23), "secp256r1");
        Assert.That(Uint16List(extensions[SignatureAlgorithms]), Does.Contain((ushort)0x0403), "ecdsa_secp256r1_sha256");
        Assert.That(extensions[EcPointFormats][1..], Does.Contain((byte)0), "uncompressed points");
    }

    [Test]
    public void ServerHello_PicksGcm_EchoesExtendedMasterSecret_AndAnswersOneSrtpProfile()
    {
        Assert.That(s_serverHello.Type, Is.EqualTo(2));
        Assert.That(s_serverHello.Version, Is.EqualTo(0xFEFD));
        Assert.That(s_serverHello.CipherSuites, Is.EqualTo(new ushort[] { 0xC02B }));
        Assert.That(s_serverHello.Extensions.ContainsKey(ExtendedMasterSecret), Is.True);
        Assert.That(s_serverHello.Extensions[UseSrtp], Is.EqualTo(new byte[] { 0, 2, 0x00, 0x07, 0 }));
    }

    private static ushort[] Uint16List(byte[] data)
    {
        int length = BinaryPrimitives.ReadUInt16BigEndian(data);
        Assert.That(length, Is.EqualTo(data.Length - 2));
        return Enumerable.Range(0, length / 2).Select(i => BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(2 + 2 * i))).ToArray();
    }

    // A hello in the first record of a datagram, unfragmented: record header (13), handshake header (12), body.
    private static Hello ParseHello(byte[] datagram)
    {
        Assert.That(datagram[0], Is.EqualTo(22), "handshake record");
        byte[] bodyBytes = datagram.AsSpan(13 + 12, BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(11)) - 12).ToArray();
        var body = bodyBytes.AsSpan();
        byte type = datagram[13];
        ushort version = BinaryPrimitives.ReadUInt16BigEndian(body);
        int at = 2 + 32;
        at += 1 + body[at]; // session id
        ushort[] suites;
        if (type == 1)
        {
            at += 1 + body[at]; // cookie
            int suitesLength = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
            int first = at + 2;
            suites = Enumerable.Range(0, suitesLength / 2).Select(i => BinaryPrimitives.ReadUInt16BigEndian(bodyBytes.AsSpan(first + 2 * i))).ToArray();
            at += 2 + suitesLength;
            at += 1 + body[at]; // compression methods
        }
        else
        {
            suites = [BinaryPrimitives.ReadUInt16BigEndian(body[at..])];
            at += 2 + 1; // suite, compression method
        }
        var extensions = new Dictionary<ushort, byte[]>();
        int end = at + 2 + BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
        Assert.That(end, Is.EqualTo(body.Length), "extensions fill the rest of the hello");
        for (at += 2; at < end;)
        {
            ushort extensionType = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(body[(at + 2)..]);
            Assert.That(extensions.TryAdd(extensionType, body.Slice(at + 4, length).ToArray()), Is.True, $"extension {extensionType} repeated");
            at += 4 + length;
        }
        return new Hello(type, version, suites, extensions);
    }
}
