using Beryl.Media.Srtp;
using static Beryl.Media.Tests.Srtp.SrtpTestSupport;

namespace Beryl.Media.Tests.Srtp;

/// <summary>Known-answer tests: RFC 3711 Appendix B, RFC 7714 section 16, and libsrtp's own reference packets.</summary>
public class SrtpVectorTests
{
    private static readonly byte[] Rfc3711MasterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] Rfc3711MasterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");

    private static readonly byte[] Rfc7714Key = Hex("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] Rfc7714Salt = Hex("517569642070726f2071756f");

    private static readonly byte[] Rfc7714Rtp = Hex(
        "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573");

    private static readonly byte[] Rfc7714Srtp = Hex(
        "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833"
        + "899d7f27 beb16a91 52cf765e e4390cce");

    private static readonly byte[] Rfc7714Rtcp = Hex(
        "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef");

    private static readonly byte[] Rfc7714Srtcp = Hex(
        "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded"
        + "0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4");

    [Test]
    public void AesCounterModeKeystreamMatchesRfc3711AppendixB2()
    {
        using var aes = new AesCounterMode(Hex("2B7E151628AED2A6ABF7158809CF4F3C"));
        var keystream = new byte[0xFF02 * 16];
        aes.Apply(Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), keystream);

        Assert.Multiple(() =>
        {
            Assert.That(Block(keystream, 0x0000), Is.EqualTo(Hex("E03EAD0935C95E80E166B16DD92B4EB4")));
            Assert.That(Block(keystream, 0x0001), Is.EqualTo(Hex("D23513162B02D0F72A43A2FE4A5F97AB")));
            Assert.That(Block(keystream, 0x0002), Is.EqualTo(Hex("41E95B3BB0A2E8DD477901E4FCA894C0")));
            Assert.That(Block(keystream, 0xFEFF), Is.EqualTo(Hex("EC8CDF7398607CB0F2D21675EA9EA1E4")));
            Assert.That(Block(keystream, 0xFF00), Is.EqualTo(Hex("362B7C3C6773516318A077D7FC5073AE")));
            Assert.That(Block(keystream, 0xFF01), Is.EqualTo(Hex("6A2CC3787889374FBEB4C81B17BA6C44")));
        });
    }

    [Test]
    public void KeyDerivationMatchesRfc3711AppendixB3()
    {
        var keys = new SrtpKeyingMaterial(SrtpProtectionProfile.Aes128CmHmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt);
        using var master = new AesCounterMode(Rfc3711MasterKey);
        var cipherKey = new byte[16];
        var cipherSalt = new byte[14];
        var authKey = new byte[20];
        SrtpKeyDerivation.Derive(master, keys.MasterSalt.Span, SrtpKeyDerivation.SrtpEncryptionLabel, cipherKey);
        SrtpKeyDerivation.Derive(master, keys.MasterSalt.Span, SrtpKeyDerivation.SrtpSaltLabel, cipherSalt);
        SrtpKeyDerivation.Derive(master, keys.MasterSalt.Span, SrtpKeyDerivation.SrtpAuthenticationLabel, authKey);

        Assert.Multiple(() =>
        {
            Assert.That(cipherKey, Is.EqualTo(Hex("C61E7A93744F39EE10734AFE3FF7A087")));
            Assert.That(cipherSalt, Is.EqualTo(Hex("30CBBC08863D8C85D49DB34A9AE1")));
            Assert.That(authKey, Is.EqualTo(Hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4")));
        });
    }

    [Test]
    public void GcmRtpEncryptionMatchesRfc7714Section16()
    {
        using var sender = GcmContextOnRfc7714SessionKeys();
        var buffer = new byte[Rfc7714Rtp.Length + SrtpContext.MaxOverhead];
        Rfc7714Rtp.CopyTo(buffer, 0);

        Assert.That(sender.ProtectRtp(buffer, Rfc7714Rtp.Length, out int length), Is.EqualTo(SrtpStatus.Ok));
        Assert.That(buffer[..length], Is.EqualTo(Rfc7714Srtp));
    }

    [Test]
    public void GcmRtpDecryptionMatchesRfc7714Section16()
    {
        using var receiver = GcmContextOnRfc7714SessionKeys();
        var (status, plain) = Unprotect(receiver, Rfc7714Srtp);

        Assert.That(status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(plain, Is.EqualTo(Rfc7714Rtp));
    }

    [Test]
    public void GcmRtcpEncryptionMatchesRfc7714Section16()
    {
        // The example uses SRTCP index 0x5d4; a context numbers its packets from 0, so the cipher is driven directly.
        using var cipher = new AesGcmCipher(Rfc7714Key, Rfc7714Salt);
        var buffer = new byte[Rfc7714Rtcp.Length + SrtpContext.MaxOverhead];
        Rfc7714Rtcp.CopyTo(buffer, 0);

        int length = cipher.ProtectRtcp(buffer, Rfc7714Rtcp.Length, ssrc: 0x4d617273, index: 0x5d4);

        Assert.That(buffer[..length], Is.EqualTo(Rfc7714Srtcp));
    }

    [Test]
    public void GcmRtcpDecryptionMatchesRfc7714Section16()
    {
        using var receiver = GcmContextOnRfc7714SessionKeys();
        var (status, plain) = Unprotect(receiver, Rfc7714Srtcp, rtcp: true);

        Assert.That(status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(plain, Is.EqualTo(Rfc7714Rtcp));
    }

    [Test]
    public void AesCm80MatchesLibSrtpReferencePackets()
    {
        // srtp_driver.c's reference packets on the RFC 3711 B.3 master key; its first SRTCP packet has index 1.
        var keys = new SrtpKeyingMaterial(SrtpProtectionProfile.Aes128CmHmacSha1_80, Rfc3711MasterKey, Rfc3711MasterSalt);
        using var sender = new SrtpContext(keys);
        byte[] rtp = Hex("800f1234 decafbad cafebabe abababab abababab abababab abababab");
        byte[] rtcp = Hex("81c8000b cafebabe abababab abababab abababab abababab");

        byte[] srtp = Protect(sender, rtp);
        Protect(sender, rtcp, rtcp: true);
        byte[] srtcp = Protect(sender, rtcp, rtcp: true);

        Assert.Multiple(() =>
        {
            Assert.That(srtp, Is.EqualTo(Hex("800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc 99ea179b 8dbb")));
            Assert.That(srtcp, Is.EqualTo(Hex("81c8000b cafebabe 7128035b e487b9bd bef89041 f977a5a8 80000001 993e08cd 54d6c123 0798")));
        });
    }

    private static SrtpContext GcmContextOnRfc7714SessionKeys() =>
        new(new AesGcmCipher(Rfc7714Key, Rfc7714Salt), SrtpProtectionProfile.AeadAes128Gcm);

    private static byte[] Block(byte[] keystream, int block) => keystream.AsSpan(block * 16, 16).ToArray();
}
