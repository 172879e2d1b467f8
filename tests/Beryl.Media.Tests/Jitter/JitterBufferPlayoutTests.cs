using Beryl.Media.Jitter;

namespace Beryl.Media.Tests.Jitter;

public sealed class JitterBufferPlayoutTests
{
    [TestCase(8000, 1, 20)]
    [TestCase(16000, 2, 10)]
    [TestCase(8000, 1, 60)]
    public void CleanStreamIsSampleExactAfterTheInitialDelay(int rate, int channels, int packetMs)
    {
        var rig = new JitterRig(new TestSender(rate, channels, packetMs, ssrc: 1), options: new JitterBufferOptions { MaxPayloadBytes = 8000 }, sampleRate: rate);
        rig.Run(10);

        int start = rig.FindFrame(0);
        Assert.That(start, Is.GreaterThan(0), "the first sample plays after some delay");
        Assert.That(start * 1000.0 / rate, Is.LessThan(30 + 2 * packetMs + 40), "initial delay in ms (network 30 ms)");
        int count = rig.OutputFrames - start;
        Assert.That(rig.CountMismatches(start, 0, count), Is.Zero);
        var s = rig.Buffer.GetStatistics();
        Assert.That((s.ConcealedFrames, s.Accelerations, s.Expansions, s.Lost, s.Late, s.Underruns), Is.EqualTo((0L, 0L, 0L, 0L, 0L, 0L)));
        Assert.That(s.PacketsDecoded, Is.GreaterThan(9 * 1000 / packetMs));
        JitterRig.AssertAccounted(s);
    }

    [Test]
    public void ReorderedAndDuplicatedPacketsGiveTheSameOutputAsACleanStream()
    {
        var options = new JitterBufferOptions { MinTargetDelayMs = 80 };
        var clean = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1), options: options);
        var network = new NetworkSimulator(7);
        var messy = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1), network, options);
        clean.Run(20);
        messy.Run(1); // the start of playout depends on when the first packets arrive: disorder them once playing
        network.ReorderProbability = 0.15;
        network.ReorderDelayMs = 25;
        network.DuplicateProbability = 0.1;
        messy.Run(19);

        Assert.That(messy.Output, Is.EqualTo(clean.Output));
        var s = messy.Buffer.GetStatistics();
        Assert.That(network.Duplicated, Is.GreaterThan(50));
        Assert.That(s.Duplicates + s.Late, Is.EqualTo(network.Duplicated), "each copy counted once, as a duplicate or (already played) late");
        Assert.That((s.ConcealedFrames, s.Lost), Is.EqualTo((0L, 0L)));
        JitterRig.AssertAccounted(s);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void LostPacketsAreConcealedOrRecoveredFromTheNextPacketsFec(bool fec)
    {
        var options = new JitterBufferOptions { MinTargetDelayMs = 60, MaxPayloadBytes = 2000 };
        var network = new NetworkSimulator(3) { BurstStartProbability = 0.04, BurstEndProbability = 0.6 };
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1, fec: fec), network, options, fec);
        rig.Run(30);

        var s = rig.Buffer.GetStatistics();
        int start = rig.FindFrame(0);
        int mismatches = rig.CountMismatches(start, 0, rig.OutputFrames - start);
        Assert.That(network.Lost, Is.GreaterThan(20));
        Assert.That(s.Lost, Is.EqualTo(network.Lost).Within(1), "only a loss at the very end can still be pending");
        Assert.That(s.ConcealedFrames + s.FecRecoveredFrames, Is.EqualTo(s.Lost * 160));
        Assert.That(mismatches, Is.EqualTo(s.ConcealedFrames).Within(s.ConcealedFrames / 100 + 1), "only concealed audio differs: FEC is exact");
        if (fec)
        {
            Assert.That(s.FecRecoveredFrames, Is.GreaterThan(0));
            Assert.That(s.FecRecoveredFrames % 160, Is.Zero);
            Assert.That(s.ConcealedFrames, Is.LessThan(s.Lost * 160), "FEC repaired the last packet of each burst");
        }
        else
        {
            Assert.That(s.FecRecoveredFrames, Is.Zero);
        }
        Assert.That((s.Accelerations, s.Expansions), Is.EqualTo((0L, 0L)));
        JitterRig.AssertAccounted(s);
    }
}
