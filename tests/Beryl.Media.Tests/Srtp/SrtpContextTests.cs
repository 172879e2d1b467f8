using System.Buffers.Binary;
using Beryl.Media.Srtp;
using static Beryl.Media.Tests.Srtp.SrtpTestSupport;

namespace Beryl.Media.Tests.Srtp;

[TestFixtureSource(typeof(SrtpTestSupport), nameof(Profiles))]
public class SrtpContextTests(SrtpProtectionProfile profile)
{
    private const uint Ssrc = 0x11223344;

    private SrtpContext _sender = null!;
    private SrtpContext _receiver = null!;

    [SetUp]
    public void SetUp() => (_sender, _receiver) = Pair(profile);

    [TearDown]
    public void TearDown()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [TestCase(0, -1)]
    [TestCase(3, -1)]
    [TestCase(0, 0)]
    [TestCase(2, 5)]
    [TestCase(15, 255)]
    public void RtpRoundTripsWithCsrcsAndExtension(int csrcCount, int extensionWords)
    {
        byte[] plain = PlainRtp(Ssrc, 1000, 160, csrcCount, extensionWords);
        int headerLength = plain.Length - 160;

        byte[] protectedPacket = Protect(_sender, plain);
        var (status, unprotected) = Unprotect(_receiver, protectedPacket);

        Assert.Multiple(() =>
        {
            Assert.That(protectedPacket, Has.Length.EqualTo(plain.Length + _sender.RtpOverhead));
            Assert.That(protectedPacket[..headerLength], Is.EqualTo(plain[..headerLength]), "header stays in the clear");
            Assert.That(protectedPacket[headerLength..plain.Length], Is.Not.EqualTo(plain[headerLength..]), "payload is encrypted");
            Assert.That(status, Is.EqualTo(SrtpStatus.Ok));
            Assert.That(unprotected, Is.EqualTo(plain));
        });
    }

    [Test]
    public void EmptyPayloadRoundTrips()
    {
        byte[] plain = PlainRtp(Ssrc, 7, payloadLength: 0);
        var (status, unprotected) = Unprotect(_receiver, Protect(_sender, plain));

        Assert.That(status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(unprotected, Is.EqualTo(plain));
    }

    [Test]
    public void RolloverCounterAdvancesAcrossSequenceWrapAndToleratesReordering()
    {
        // 65533, 65534, 0 (ROC 1), 65535 (late, ROC 0), 1, 2: every packet must decrypt with the right ROC.
        ushort[] sent = [65533, 65534, 65535, 0, 1, 2];
        byte[][] packets = sent.Select(s => Protect(_sender, PlainRtp(Ssrc, s))).ToArray();
        int[] arrival = [0, 1, 3, 2, 4, 5];

        foreach (int i in arrival)
        {
            var (status, plain) = Unprotect(_receiver, packets[i]);
            Assert.That(status, Is.EqualTo(SrtpStatus.Ok), $"sequence {sent[i]}");
            Assert.That(plain, Is.EqualTo(PlainRtp(Ssrc, sent[i])), $"sequence {sent[i]}");
        }

        Assert.That(_receiver.Counters.Unprotected, Is.EqualTo(sent.Length));
    }

    [Test]
    public void SecondRolloverUsesRocTwo()
    {
        // Walk the sender through two full wraps in steps below half the sequence space; the receiver follows.
        for (int step = 0; step <= 2 * 65536; step += 20000)
        {
            ushort sequence = (ushort)step;
            var (status, plain) = Unprotect(_receiver, Protect(_sender, PlainRtp(Ssrc, sequence)));
            Assert.That(status, Is.EqualTo(SrtpStatus.Ok), $"step {step}");
            Assert.That(plain, Is.EqualTo(PlainRtp(Ssrc, sequence)));
        }
    }

    [Test]
    public void ReplayedPacketIsDroppedAndCounted()
    {
        byte[] packet = Protect(_sender, PlainRtp(Ssrc, 10));

        Assert.That(Unprotect(_receiver, packet).Status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(Unprotect(_receiver, packet).Status, Is.EqualTo(SrtpStatus.Replayed));
        Assert.That(_receiver.Counters.Replays, Is.EqualTo(1));
    }

    [Test]
    public void PacketsInsideTheWindowArriveLateButOnlyOnce()
    {
        byte[][] packets = Enumerable.Range(0, 200).Select(i => Protect(_sender, PlainRtp(Ssrc, (ushort)(100 + i)))).ToArray();
        Assert.That(Unprotect(_receiver, packets[199]).Status, Is.EqualTo(SrtpStatus.Ok));

        // 127 behind the highest is the oldest the 128-packet window remembers; 128 behind is too old.
        Assert.That(Unprotect(_receiver, packets[199 - 127]).Status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(Unprotect(_receiver, packets[199 - 127]).Status, Is.EqualTo(SrtpStatus.Replayed));
        Assert.That(Unprotect(_receiver, packets[199 - 128]).Status, Is.EqualTo(SrtpStatus.TooOld));
        Assert.That(Unprotect(_receiver, packets[0]).Status, Is.EqualTo(SrtpStatus.TooOld));
        Assert.That(_receiver.Counters.TooOld, Is.EqualTo(2));
    }

    [Test]
    public void PacketBeforeTheFirstOfItsStreamIsTooOld()
    {
        // Received first at 5 (ROC 0), 40000 can only be 32763 packets earlier, which would need ROC -1.
        using var otherSender = new SrtpContext(Keys(profile));
        byte[] first = Protect(_sender, PlainRtp(Ssrc, 5));
        byte[] early = Protect(otherSender, PlainRtp(Ssrc, 40000));

        Assert.That(Unprotect(_receiver, first).Status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(Unprotect(_receiver, early).Status, Is.EqualTo(SrtpStatus.TooOld));
    }

    [TestCase("header")]
    [TestCase("payload")]
    [TestCase("tag")]
    public void TamperedPacketFailsAuthenticationAndLeavesStateUnchanged(string where)
    {
        Assert.That(Unprotect(_receiver, Protect(_sender, PlainRtp(Ssrc, 65535))).Status, Is.EqualTo(SrtpStatus.Ok));
        byte[] next = Protect(_sender, PlainRtp(Ssrc, 0));
        byte[] tampered = (byte[])next.Clone();
        int at = where switch { "header" => 1, "payload" => 20, _ => tampered.Length - 1 };
        tampered[at] ^= 0x01;

        Assert.That(Unprotect(_receiver, tampered).Status, Is.EqualTo(SrtpStatus.AuthenticationFailed));
        Assert.That(_receiver.Counters.AuthenticationFailures, Is.EqualTo(1));

        // Neither the replay window nor the ROC moved: the genuine packet (ROC 1) still decrypts, once.
        var (status, plain) = Unprotect(_receiver, next);
        Assert.That(status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(plain, Is.EqualTo(PlainRtp(Ssrc, 0)));
        Assert.That(Unprotect(_receiver, next).Status, Is.EqualTo(SrtpStatus.Replayed));
    }

    [Test]
    public void ForgedSsrcDoesNotTakeAStreamSlot()
    {
        byte[] packet = Protect(_sender, PlainRtp(Ssrc, 1));
        packet[^1] ^= 0xFF;

        Assert.That(Unprotect(_receiver, packet).Status, Is.EqualTo(SrtpStatus.AuthenticationFailed));
        Assert.That(_receiver.StreamCount, Is.Zero);
    }

    [Test]
    public void TruncatedPacketsAreMalformedOrFailAuthentication()
    {
        byte[] packet = Protect(_sender, PlainRtp(Ssrc, 1, payloadLength: 20, csrcCount: 2, extensionWords: 1));
        for (int length = 0; length < packet.Length; length++)
        {
            var (status, _) = Unprotect(_receiver, packet[..length]);
            Assert.That(status, Is.AnyOf(SrtpStatus.Malformed, SrtpStatus.AuthenticationFailed), $"length {length}");
        }

        // Shorter than header plus tag cannot even be parsed.
        Assert.That(Unprotect(_receiver, packet[..(12 + 8 + 8 + _receiver.RtpOverhead - 1)]).Status, Is.EqualTo(SrtpStatus.Malformed));
        Assert.That(Unprotect(_receiver, packet).Status, Is.EqualTo(SrtpStatus.Ok));
    }

    [TestCase(0x8F, 0, "claims 15 CSRCs in a short packet")]
    [TestCase(0x90, 0x7F, "extension length beyond the packet")]
    [TestCase(0x40, 0, "version 1")]
    [TestCase(0x00, 0, "version 0")]
    public void LyingHeaderIsMalformed(int firstByte, int extensionLengthLow, string why)
    {
        byte[] packet = Protect(_sender, PlainRtp(Ssrc, 1, payloadLength: 16, extensionWords: (firstByte & 0x10) != 0 ? 0 : -1));
        packet[0] = (byte)firstByte;
        if ((firstByte & 0x10) != 0)
            packet[15] = (byte)extensionLengthLow;

        Assert.That(Unprotect(_receiver, packet).Status, Is.EqualTo(SrtpStatus.Malformed), why);
        Assert.That(_receiver.Counters.Malformed, Is.EqualTo(1));
    }

    [Test]
    public void ProtectNeedsRoomForTheTag()
    {
        byte[] plain = PlainRtp(Ssrc, 1);
        var buffer = new byte[plain.Length + _sender.RtpOverhead - 1];
        plain.CopyTo(buffer, 0);

        Assert.That(_sender.ProtectRtp(buffer, plain.Length, out int length), Is.EqualTo(SrtpStatus.BufferTooSmall));
        Assert.That(length, Is.Zero);
        Assert.That(buffer[..plain.Length], Is.EqualTo(plain), "nothing was encrypted");

        byte[] rtcp = Rtcp(Ssrc);
        var rtcpBuffer = new byte[rtcp.Length + _sender.RtcpOverhead - 1];
        rtcp.CopyTo(rtcpBuffer, 0);
        Assert.That(_sender.ProtectRtcp(rtcpBuffer, rtcp.Length, out _), Is.EqualTo(SrtpStatus.BufferTooSmall));
        Assert.That(_sender.Counters.ProtectFailures, Is.EqualTo(2));
        Assert.That(_sender.Counters.Protected, Is.Zero);
    }

    [Test]
    public void ProtectRejectsMalformedRtp()
    {
        var buffer = new byte[64];
        buffer[0] = 0x8F; // 15 CSRCs do not fit in 40 bytes

        Assert.That(_sender.ProtectRtp(buffer, 40, out _), Is.EqualTo(SrtpStatus.Malformed));
        Assert.That(() => _sender.ProtectRtp(buffer, 65, out _), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void StreamsBeyondTheLimitAreRefusedAndCounted()
    {
        var keys = Keys(profile);
        using var sender = new SrtpContext(keys, maxStreams: 2);
        using var receiver = new SrtpContext(keys, maxStreams: 2);
        byte[][] packets = [.. Enumerable.Range(0, 2).Select(i => Protect(sender, PlainRtp(Ssrc + (uint)i, 1)))];
        byte[] third = PlainRtp(Ssrc + 2, 1);
        var buffer = new byte[third.Length + SrtpContext.MaxOverhead];
        third.CopyTo(buffer, 0);

        Assert.That(sender.ProtectRtp(buffer, third.Length, out _), Is.EqualTo(SrtpStatus.StreamLimitReached));
        foreach (byte[] packet in packets)
            Assert.That(Unprotect(receiver, packet).Status, Is.EqualTo(SrtpStatus.Ok));
        using var other = new SrtpContext(keys);
        Assert.That(Unprotect(receiver, Protect(other, third)).Status, Is.EqualTo(SrtpStatus.StreamLimitReached));
        Assert.That(receiver.Counters.StreamsRefused, Is.EqualTo(1));
        Assert.That(receiver.StreamCount, Is.EqualTo(2));
    }

    [Test]
    public void StreamsAreIndependent()
    {
        // Same sequence on two SSRCs: different keystreams, separate replay windows.
        byte[] a = Protect(_sender, PlainRtp(Ssrc, 42));
        byte[] b = Protect(_sender, PlainRtp(Ssrc + 1, 42));

        Assert.That(a[12..], Is.Not.EqualTo(b[12..]));
        Assert.That(Unprotect(_receiver, a).Status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(Unprotect(_receiver, b).Status, Is.EqualTo(SrtpStatus.Ok));
    }

    [Test]
    public void WrongKeysFailAuthentication()
    {
        using var stranger = new SrtpContext(Keys(profile, seed: 99));
        Assert.That(Unprotect(stranger, Protect(_sender, PlainRtp(Ssrc, 1))).Status, Is.EqualTo(SrtpStatus.AuthenticationFailed));
        Assert.That(Unprotect(stranger, Protect(_sender, Rtcp(Ssrc), rtcp: true), rtcp: true).Status, Is.EqualTo(SrtpStatus.AuthenticationFailed));
    }

    [Test]
    public void RtcpRoundTripsWithEncryptedFlagAndIncreasingIndex()
    {
        for (uint i = 0; i < 3; i++)
        {
            byte[] plain = Rtcp(Ssrc, (byte)i);
            byte[] protectedPacket = Protect(_sender, plain, rtcp: true);
            int indexAt = profile == SrtpProtectionProfile.AeadAes128Gcm ? protectedPacket.Length - 4 : plain.Length;

            Assert.That(protectedPacket, Has.Length.EqualTo(plain.Length + _sender.RtcpOverhead));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(protectedPacket.AsSpan(indexAt)), Is.EqualTo(0x8000_0000u | i));
            Assert.That(protectedPacket[8..plain.Length], Is.Not.EqualTo(plain[8..]));
            var (status, unprotected) = Unprotect(_receiver, protectedPacket, rtcp: true);
            Assert.That(status, Is.EqualTo(SrtpStatus.Ok));
            Assert.That(unprotected, Is.EqualTo(plain));
        }
    }

    [Test]
    public void RtcpReplayTamperAndTruncationAreDropped()
    {
        byte[] first = Protect(_sender, Rtcp(Ssrc), rtcp: true);
        byte[] tampered = (byte[])first.Clone();
        tampered[10] ^= 0x80;

        Assert.That(Unprotect(_receiver, tampered, rtcp: true).Status, Is.EqualTo(SrtpStatus.AuthenticationFailed));
        Assert.That(Unprotect(_receiver, first, rtcp: true).Status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(Unprotect(_receiver, first, rtcp: true).Status, Is.EqualTo(SrtpStatus.Replayed));
        Assert.That(Unprotect(_receiver, first[..(8 + _receiver.RtcpOverhead - 1)], rtcp: true).Status, Is.EqualTo(SrtpStatus.Malformed));
        for (int length = 0; length < first.Length; length++)
            Assert.That(Unprotect(_receiver, first[..length], rtcp: true).Status, Is.Not.EqualTo(SrtpStatus.Ok), $"length {length}");

        var counters = _receiver.Counters;
        Assert.That(counters.Replays, Is.EqualTo(1));
        Assert.That(counters.Unprotected, Is.EqualTo(1));
        Assert.That(counters.AuthenticationFailures + counters.Malformed, Is.EqualTo(1 + 1 + first.Length));
    }

    [Test]
    public void RtcpIndexOlderThanTheWindowIsTooOld()
    {
        byte[][] packets = [.. Enumerable.Range(0, 130).Select(_ => Protect(_sender, Rtcp(Ssrc), rtcp: true))];

        Assert.That(Unprotect(_receiver, packets[129], rtcp: true).Status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(Unprotect(_receiver, packets[2], rtcp: true).Status, Is.EqualTo(SrtpStatus.Ok));
        Assert.That(Unprotect(_receiver, packets[1], rtcp: true).Status, Is.EqualTo(SrtpStatus.TooOld));
    }

    [Test]
    public void CountersTrackProtectedAndUnprotectedPackets()
    {
        for (ushort s = 0; s < 5; s++)
            Unprotect(_receiver, Protect(_sender, PlainRtp(Ssrc, s)));
        Unprotect(_receiver, Protect(_sender, Rtcp(Ssrc), rtcp: true), rtcp: true);

        Assert.That(_sender.Counters.Protected, Is.EqualTo(6));
        Assert.That(_receiver.Counters.Unprotected, Is.EqualTo(6));
        Assert.That(_receiver.Counters.AuthenticationFailures + _receiver.Counters.Malformed + _receiver.Counters.Replays, Is.Zero);
    }
}
