using Beryl.Media.Srtp;
using static Beryl.Media.Tests.Srtp.SrtpTestSupport;

namespace Beryl.Media.Tests.Srtp;

/// <summary>Seeded random mutation of real protected packets, and the allocation-free hot path.</summary>
public class SrtpRobustnessTests
{
    private const int MutationCases = 6000;

    [Test]
    public void MutatedPacketsNeverThrowAndAreAcceptedOnlyWhenUnmodified()
    {
        var random = new Random(20260101);
        var contexts = Profiles.Select(p => Pair(p)).ToArray();
        var originals = new List<(int Context, bool Rtcp, byte[] Plain, byte[] Protected)>();
        for (int c = 0; c < contexts.Length; c++)
        {
            for (ushort s = 0; s < 4; s++)
            {
                byte[] rtp = PlainRtp(0xA0 + (uint)s, (ushort)(65534 + s), payloadLength: 8 * s, csrcCount: s, extensionWords: s - 1);
                originals.Add((c, false, rtp, Protect(contexts[c].Sender, rtp)));
            }

            byte[] rtcp = Rtcp(0xB0);
            originals.Add((c, true, rtcp, Protect(contexts[c].Sender, rtcp, rtcp: true)));
        }

        int accepted = 0, unmodified = 0;
        var statuses = new Dictionary<SrtpStatus, int>();
        for (int i = 0; i < MutationCases; i++)
        {
            var original = originals[random.Next(originals.Count)];
            byte[] mutated = PacketMutator.Mutate(random, original.Protected);
            bool same = mutated.AsSpan().SequenceEqual(original.Protected);
            unmodified += same ? 1 : 0;
            var receiver = contexts[original.Context].Receiver;

            SrtpStatus status = SrtpStatus.Malformed;
            byte[] plain = [];
            Assert.That(() => (status, plain) = Unprotect(receiver, mutated, original.Rtcp), Throws.Nothing, $"case {i}");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status != SrtpStatus.Ok)
                continue;
            accepted++;
            Assert.That(same, Is.True, $"case {i}: a modified packet was accepted");
            Assert.That(plain, Is.EqualTo(original.Plain), $"case {i}");
        }

        foreach (var (sender, receiver) in contexts)
        {
            sender.Dispose();
            receiver.Dispose();
        }

        TestContext.Out.WriteLine($"{accepted} accepted, {unmodified} unmodified: " + string.Join(", ", statuses.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.That(accepted, Is.InRange(1, originals.Count), "each original is accepted at most once, later copies are replays");
        Assert.That(statuses.GetValueOrDefault(SrtpStatus.AuthenticationFailed), Is.GreaterThan(MutationCases / 4));
        Assert.That(statuses.GetValueOrDefault(SrtpStatus.Malformed), Is.GreaterThan(MutationCases / 20));
    }

    [Test]
    public void MutatedPlainPacketsProtectConsistentlyOrAreRefused()
    {
        var random = new Random(7);
        foreach (var profile in Profiles)
        {
            var (sender, receiver) = Pair(profile);
            using (sender)
            using (receiver)
            {
                for (int i = 0; i < 1000; i++)
                {
                    byte[] plain = PacketMutator.Mutate(random, PlainRtp(0xC0, (ushort)i, payloadLength: 24, csrcCount: 1, extensionWords: 1));
                    var buffer = new byte[plain.Length + SrtpContext.MaxOverhead];
                    plain.CopyTo(buffer, 0);
                    SrtpStatus status = SrtpStatus.Malformed;
                    int length = 0;
                    Assert.That(() => status = sender.ProtectRtp(buffer, plain.Length, out length), Throws.Nothing);
                    if (status != SrtpStatus.Ok)
                        continue;

                    // Whatever header the protect path accepted, the receive path parses the same way.
                    var (back, unprotected) = Unprotect(receiver, buffer[..length]);
                    Assert.That(back, Is.EqualTo(SrtpStatus.Ok).Or.EqualTo(SrtpStatus.Replayed).Or.EqualTo(SrtpStatus.TooOld), $"{profile} case {i}");
                    if (back == SrtpStatus.Ok)
                        Assert.That(unprotected, Is.EqualTo(plain), $"{profile} case {i}");
                }
            }
        }
    }

    [TestCaseSource(typeof(SrtpTestSupport), nameof(Profiles))]
    public void RoundTripsDoNotAllocateAfterWarmUp(SrtpProtectionProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using var s = sender;
        using var r = receiver;
        byte[] rtp = PlainRtp(0xD0, 0, payloadLength: 160);
        byte[] rtcp = Rtcp(0xD0);
        var buffer = new byte[rtp.Length + SrtpContext.MaxOverhead];

        void RoundTrip(ushort sequence)
        {
            rtp.CopyTo(buffer, 0);
            buffer[2] = (byte)(sequence >> 8);
            buffer[3] = (byte)sequence;
            sender.ProtectRtp(buffer, rtp.Length, out int length);
            if (receiver.UnprotectRtp(buffer, length, out _) != SrtpStatus.Ok)
                throw new AssertionException($"RTP {sequence} did not round-trip");
            rtcp.CopyTo(buffer, 0);
            sender.ProtectRtcp(buffer, rtcp.Length, out length);
            if (receiver.UnprotectRtcp(buffer, length, out _) != SrtpStatus.Ok)
                throw new AssertionException($"RTCP {sequence} did not round-trip");
        }

        ushort seq = 0;
        for (int i = 0; i < 100; i++)
            RoundTrip(seq++);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            RoundTrip(seq++);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(receiver.Counters.Unprotected, Is.EqualTo(2 * 1100));
    }

    [TestCase(SrtpProtectionProfile.Aes128CmHmacSha1_80)]
    [TestCase(SrtpProtectionProfile.Aes128CmHmacSha1_32)]
    public void DroppingForgedPacketsDoesNotAllocate(SrtpProtectionProfile profile)
    {
        // AES-GCM is left out: AesGcm reports a wrong tag only by throwing, which allocates the exception.
        var (sender, receiver) = Pair(profile);
        using var s = sender;
        using var r = receiver;
        byte[] forged = Protect(sender, PlainRtp(0xE0, 1));
        forged[^1] ^= 1;
        byte[] truncated = forged[..10];
        var buffer = new byte[forged.Length];

        void Drop()
        {
            forged.CopyTo(buffer, 0);
            receiver.UnprotectRtp(buffer, forged.Length, out _);
            receiver.UnprotectRtp(truncated, truncated.Length, out _);
            receiver.UnprotectRtcp(buffer, forged.Length, out _);
        }

        for (int i = 0; i < 100; i++)
            Drop();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            Drop();

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(receiver.Counters.AuthenticationFailures, Is.EqualTo(2 * 1100));
        Assert.That(receiver.Counters.Malformed, Is.EqualTo(1100));
    }
}
