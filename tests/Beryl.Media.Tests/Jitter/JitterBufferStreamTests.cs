using Beryl.Media.Jitter;
using Beryl.Media.Rtp;

namespace Beryl.Media.Tests.Jitter;

public sealed class JitterBufferStreamTests
{
    [Test]
    public void SequenceAndTimestampWrapAroundPlaySampleExact()
    {
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1, firstSequence: 65_500, firstTimestamp: uint.MaxValue - 3000));
        rig.Run(10);

        int start = rig.FindFrame(0);
        Assert.That(rig.CountMismatches(start, 0, rig.OutputFrames - start), Is.Zero);
        var s = rig.Buffer.GetStatistics();
        Assert.That((s.Lost, s.Late, s.Resets, s.ConcealedFrames, s.DroppedDiscontinuous), Is.EqualTo((0L, 0L, 0L, 0L, 0L)));
        Assert.That(s.PacketsDecoded, Is.GreaterThan(450), "crossed 65535 → 0 and 2^32 → 0");
    }

    [Test]
    public void TimestampJumpResetsAndPlaysOn()
    {
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1));
        rig.Run(3);
        rig.Sender.Timestamp += 8000 * 10;
        rig.Run(3);

        var s = rig.Buffer.GetStatistics();
        Assert.That((s.Resets, s.DroppedDiscontinuous), Is.EqualTo((1L, 1L)), "the first packet is held suspect, the second confirms");
        AssertTailIsExact(rig, seconds: 2.5);
        Assert.That(s.ConcealedMs, Is.LessThanOrEqualTo(20), "the one dropped packet at most");
        JitterRig.AssertAccounted(s);
    }

    [Test]
    public void SenderThatStopsAndRestartsWithNewBasesResetsCleanly()
    {
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1, firstSequence: 1000));
        rig.Run(3);
        rig.Sending = false;
        rig.Run(3);
        var stopped = rig.Buffer.GetStatistics();
        rig.Sender = new TestSender(8000, 1, 20, ssrc: 1, firstSequence: 40_000, firstTimestamp: 7_777_777,
            startMicroseconds: rig.NowMicroseconds, firstSample: 1_000_000);
        rig.Sending = true;
        rig.Run(3);

        var s = rig.Buffer.GetStatistics();
        Assert.That(stopped.ConcealedMs, Is.InRange(1000, 1020), "concealment until the source timeout, then silence");
        Assert.That(rig.Output.Skip(rig.OutputFrames - 300 * 8).Take(100 * 8).All(v => v == 0), Is.False);
        Assert.That((s.Resets, s.DroppedDiscontinuous, s.Lost), Is.EqualTo((1L, 1L, 0L)));
        AssertTailIsExact(rig, seconds: 2.5);
        JitterRig.AssertAccounted(s);
    }

    [Test]
    public void NewSsrcTakesOverOnlyAfterTheCurrentOneFellSilent()
    {
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1));
        rig.Run(3);
        rig.Sender = new TestSender(8000, 1, 20, ssrc: 2, firstSequence: 30_000, startMicroseconds: rig.NowMicroseconds, firstSample: 500_000);
        rig.Run(4);

        var s = rig.Buffer.GetStatistics();
        Assert.That((s.SsrcChanges, s.Resets), Is.EqualTo((1L, 1L)));
        Assert.That(s.DroppedForeignSsrc, Is.InRange(47, 53), "about one second of the new source (the timeout)");
        AssertTailIsExact(rig, seconds: 2.5);
        JitterRig.AssertAccounted(s);
    }

    [Test]
    public void ForeignSsrcWrongPayloadTypeAndMalformedPacketsAreDroppedWithoutDisturbingPlayout()
    {
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1));
        byte[] valid = FakePcmDecoder.Encode(new short[160], 1);
        byte[][] malformed = [[], [0, 1], valid[..^2], [.. valid, 0]];
        int step = 0;
        rig.BeforeRead = r =>
        {
            if (r.NowMicroseconds <= 100_000)
                return; // the first SSRC heard is the one played: let the real one be first
            step++;
            r.Buffer.Insert(new RtpHeader(FakePcmDecoder.PayloadType, (ushort)step, (uint)step * 160, 99), valid, r.NowMicroseconds);
            r.Buffer.Insert(new RtpHeader(101, r.Sender.Sequence, r.Sender.Timestamp, 1), [1, 0, 0, 160], r.NowMicroseconds);
            r.Buffer.Insert(new RtpHeader(FakePcmDecoder.PayloadType, r.Sender.Sequence, r.Sender.Timestamp, 1), malformed[step % 4], r.NowMicroseconds);
        };
        rig.Run(5);

        int start = rig.FindFrame(0);
        Assert.That(rig.CountMismatches(start, 0, rig.OutputFrames - start), Is.Zero);
        var s = rig.Buffer.GetStatistics();
        Assert.That((s.DroppedForeignSsrc, s.DroppedWrongPayloadType, s.DroppedMalformed), Is.EqualTo(((long)step, (long)step, (long)step)));
        Assert.That((s.ConcealedFrames, s.Resets, s.Duplicates), Is.EqualTo((0L, 0L, 0L)));
        JitterRig.AssertAccounted(s);
    }

    [Test]
    public void CorruptPayloadsAreConcealedAndCounted()
    {
        var sender = new TestSender(8000, 1, 20, ssrc: 1) { Corrupt = first => first / 160 % 25 == 7 };
        var rig = new JitterRig(sender);
        rig.Run(10);

        var s = rig.Buffer.GetStatistics();
        long corrupt = s.DecodeErrors;
        Assert.That(corrupt, Is.InRange(18, 21), "one in 25 of about 495 packets played");
        Assert.That(s.ConcealedFrames, Is.EqualTo(corrupt * 160));
        Assert.That(s.Lost, Is.Zero, "corrupt is not lost");
        int start = rig.FindFrame(0);
        Assert.That(rig.CountMismatches(start, 0, rig.OutputFrames - start), Is.EqualTo(s.ConcealedFrames).Within(s.ConcealedFrames / 100));
        JitterRig.AssertAccounted(s);
    }

    [Test]
    public void OversizedPayloadsAreDroppedAtInsert()
    {
        var rig = new JitterRig(new TestSender(8000, 1, 10, ssrc: 1), options: new JitterBufferOptions { MaxPayloadBytes = 200 });
        var big = new byte[201];
        rig.BeforeRead = r => r.Buffer.Insert(new RtpHeader(FakePcmDecoder.PayloadType, r.Sender.Sequence, r.Sender.Timestamp, 1), big, r.NowMicroseconds);
        rig.Run(3);

        int start = rig.FindFrame(0);
        Assert.That(rig.CountMismatches(start, 0, rig.OutputFrames - start), Is.Zero);
        var s = rig.Buffer.GetStatistics();
        Assert.That(s.DroppedOversized, Is.EqualTo(300));
        JitterRig.AssertAccounted(s);
    }

    // The last seconds of output follow the sender's signal sample for sample, from wherever they start.
    private static void AssertTailIsExact(JitterRig rig, double seconds)
    {
        int frames = (int)(seconds * 8000);
        int from = rig.OutputFrames - frames;
        long sample = -1;
        for (long n = rig.Sender.SampleIndex - frames; n >= 0 && sample < 0; n--)
        {
            if (rig.CountMismatches(from, n, 16) == 0)
                sample = n;
        }
        Assert.That(sample, Is.GreaterThanOrEqualTo(0), "the tail plays the sender's audio");
        Assert.That(rig.CountMismatches(from, sample, frames), Is.Zero);
    }
}
