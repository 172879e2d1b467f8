using System.Runtime.CompilerServices;
using Beryl.Media.Srtp;
using static Beryl.Media.Tests.Srtp.SrtpTestSupport;

namespace Beryl.Media.Tests.Srtp;

/// <summary>Beryl against libsrtp 2 in both directions; skipped where libsrtp2.so.1 is not installed.</summary>
[TestFixtureSource(typeof(SrtpTestSupport), nameof(Profiles))]
public class SrtpLibSrtpCrossCheckTests(SrtpProtectionProfile profile)
{
    private const uint Ssrc = 0x5EED_F00D;

    // Across a sequence wrap, so the ROC both sides use must agree.
    private static readonly ushort[] Sequences = [65530, 65531, 65533, 65532, 65534, 65535, 0, 1, 2, 3];

    private SrtpKeyingMaterial _keys = null!;

    [SetUp]
    public void SetUp()
    {
        if (LibSrtp.UnavailableReason is { } reason)
            Assert.Ignore(reason);
        _keys = Keys(profile, seed: 3);
    }

    [Test]
    public void PolicyLayoutMatchesLibSrtp25()
    {
        Assert.That(Unsafe.SizeOf<LibSrtp.CryptoPolicy>(), Is.EqualTo(24));
        Assert.That(Unsafe.SizeOf<LibSrtp.Policy>(), Is.EqualTo(128));
    }

    [Test]
    public void BerylProtectsByteForByteLikeLibSrtpAndLibSrtpUnprotects()
    {
        using var beryl = new SrtpContext(_keys);
        using var libSender = new LibSrtp(_keys, outbound: true);
        using var libReceiver = new LibSrtp(_keys, outbound: false);

        foreach (ushort sequence in Sequences)
        {
            byte[] plain = PlainRtp(Ssrc, sequence, payloadLength: 100 + sequence % 7, csrcCount: 1, extensionWords: 2);
            byte[] ours = Protect(beryl, plain);
            byte[] theirs = LibProtect(libSender, plain, rtcp: false);
            Assert.That(ours, Is.EqualTo(theirs), $"sequence {sequence}");

            var (status, back) = LibUnprotect(libReceiver, ours, rtcp: false);
            Assert.That(status, Is.Zero, $"libsrtp refused sequence {sequence}");
            Assert.That(back, Is.EqualTo(plain));
        }
    }

    [Test]
    public void BerylUnprotectsLibSrtp()
    {
        using var libSender = new LibSrtp(_keys, outbound: true);
        using var beryl = new SrtpContext(_keys);

        foreach (ushort sequence in Sequences)
        {
            byte[] plain = PlainRtp(Ssrc, sequence, payloadLength: 160);
            var (status, back) = Unprotect(beryl, LibProtect(libSender, plain, rtcp: false));
            Assert.That(status, Is.EqualTo(SrtpStatus.Ok), $"sequence {sequence}");
            Assert.That(back, Is.EqualTo(plain));
        }
    }

    [Test]
    public void SrtcpInteroperatesBothWays()
    {
        using var beryl = new SrtpContext(_keys);
        using var berylReceiver = new SrtpContext(_keys);
        using var libSender = new LibSrtp(_keys, outbound: true);
        using var libReceiver = new LibSrtp(_keys, outbound: false);

        // libsrtp numbers SRTCP from 1, Beryl from 0 (RFC 3711 section 3.4): Beryl's packet k+1 matches libsrtp's packet k.
        Protect(beryl, Rtcp(Ssrc, 0), rtcp: true);
        for (byte k = 1; k <= 3; k++)
        {
            byte[] plain = Rtcp(Ssrc, k);
            byte[] ours = Protect(beryl, plain, rtcp: true);
            byte[] theirs = LibProtect(libSender, plain, rtcp: true);
            Assert.That(ours, Is.EqualTo(theirs), $"packet {k}");

            var (libStatus, libBack) = LibUnprotect(libReceiver, ours, rtcp: true);
            Assert.That(libStatus, Is.Zero);
            Assert.That(libBack, Is.EqualTo(plain));
            var (status, back) = Unprotect(berylReceiver, theirs, rtcp: true);
            Assert.That(status, Is.EqualTo(SrtpStatus.Ok));
            Assert.That(back, Is.EqualTo(plain));
        }
    }

    [Test]
    public void AuthenticatedButUnencryptedSrtcpFromLibSrtpIsAcceptedInTheClear()
    {
        using var libSender = new LibSrtp(_keys, outbound: true, encryptRtcp: false);
        using var beryl = new SrtpContext(_keys);
        byte[] plain = Rtcp(Ssrc, 0x42);

        byte[] theirs = LibProtect(libSender, plain, rtcp: true);
        int indexAt = profile == SrtpProtectionProfile.AeadAes128Gcm ? theirs.Length - 4 : plain.Length;
        Assert.That(theirs[..plain.Length], Is.EqualTo(plain), "E = 0: the content travels in the clear");
        Assert.That(theirs[indexAt] & 0x80, Is.Zero);

        byte[] tampered = (byte[])theirs.Clone();
        tampered[20] ^= 1;
        Assert.That(Unprotect(beryl, tampered, rtcp: true).Status, Is.EqualTo(SrtpStatus.AuthenticationFailed));

        var (status, back) = Unprotect(beryl, theirs, rtcp: true);
        Assert.That(status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(back, Is.EqualTo(plain));
    }

    private static byte[] LibProtect(LibSrtp session, byte[] plain, bool rtcp)
    {
        var buffer = new byte[plain.Length + 64];
        plain.CopyTo(buffer, 0);
        int length = plain.Length;
        Assert.That(session.Protect(buffer, ref length, rtcp), Is.Zero, "libsrtp protect");
        return buffer[..length];
    }

    private static (int Status, byte[] Plain) LibUnprotect(LibSrtp session, byte[] packet, bool rtcp)
    {
        var buffer = (byte[])packet.Clone();
        int length = buffer.Length;
        int status = session.Unprotect(buffer, ref length, rtcp);
        return (status, buffer[..length]);
    }
}
