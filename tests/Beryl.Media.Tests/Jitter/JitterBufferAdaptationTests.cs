using Beryl.Media.Jitter;

namespace Beryl.Media.Tests.Jitter;

public sealed class JitterBufferAdaptationTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void TargetDelayFollowsJitterUpAndBackDownWithFewLatePackets(bool pareto)
    {
        var network = new NetworkSimulator(11);
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1), network);
        rig.Run(5);
        var calm = rig.Buffer.GetStatistics();

        network.JitterMs = pareto ? 20 : 30;
        network.Pareto = pareto;
        rig.Run(40);
        var jittery = rig.Buffer.GetStatistics();

        var after = CalmDown(rig, 20);

        TestContext.Out.WriteLine($"calm {calm}\njittery {jittery}\nafter {after}");
        Assert.That(calm.TargetDelayMs, Is.LessThan(30));
        Assert.That(jittery.TargetDelayMs, Is.GreaterThan(calm.TargetDelayMs + 40));
        Assert.That(jittery.JitterMs, Is.GreaterThan(5));
        long packets = jittery.PacketsReceived - calm.PacketsReceived;
        Assert.That((double)(jittery.Late - calm.Late) / packets, Is.LessThan(0.02), "late share while jittery");
        Assert.That(jittery.Expansions, Is.GreaterThan(0), "the level was raised to the new target");

        AssertBackDown(after);
        Assert.That(after.Accelerations, Is.GreaterThan(jittery.Accelerations));
    }

    // A rough first second (a sender warming up) must not hold the delay up for a whole window: by the time a
    // call has something to say, the buffer is back down, so what it plays (and the echo of it) stops moving.
    [Test]
    public void AStartUpBurstIsForgottenWithinTwoSeconds()
    {
        var network = new NetworkSimulator(7) { JitterMs = 150 };
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1), network);
        rig.Run(1);
        var rough = rig.Buffer.GetStatistics();
        var settled = CalmDown(rig, 2);

        TestContext.Out.WriteLine($"rough start {rough}\nafter 2 s {settled}");
        Assert.That(rough.TargetDelayMs, Is.GreaterThan(100), "the burst raised the target");
        AssertBackDown(settled);
    }

    // A path (or a sender, or the whole machine) that stalls for 150 ms, then delivers what it held at once: the buffer
    // runs dry, waits, and holds the delay the wait added instead of playing it back down a pitch period at a time.
    [Test]
    public void A_stall_the_buffer_waited_out_keeps_its_delay_for_the_hold_then_comes_back_down()
    {
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1), new NetworkSimulator(12) { JitterMs = 1 }, new JitterBufferOptions { StallHoldMs = 20_000 });
        rig.Run(5);
        var before = rig.Buffer.GetStatistics();
        Stall(rig, seconds: 0.15);
        rig.Run(1);
        var afterStall = rig.Buffer.GetStatistics();
        long shiftAfterStall = rig.Buffer.PlayoutShiftFrames;
        rig.Run(15);
        var held = rig.Buffer.GetStatistics();
        long shiftHeld = rig.Buffer.PlayoutShiftFrames;
        rig.Run(10);
        var released = rig.Buffer.GetStatistics();

        TestContext.Out.WriteLine($"before {before}\nafter the stall {afterStall}\nheld {held}\nreleased {released}");
        Assert.That(afterStall.Underruns, Is.GreaterThan(before.Underruns), "the stall ran the buffer dry");
        Assert.That(afterStall.StallHolds, Is.EqualTo(1));
        Assert.That(shiftAfterStall, Is.GreaterThan(50 * 8), "the wait moved the playout");
        Assert.That(held.Accelerations, Is.EqualTo(afterStall.Accelerations), "nothing played the wait back down during the hold");
        Assert.That(shiftHeld, Is.EqualTo(shiftAfterStall), "the playout stayed where the stall left it");
        Assert.That(held.CurrentDelayMs, Is.GreaterThan(before.CurrentDelayMs + 40));
        Assert.That(held.TargetDelayMs, Is.GreaterThan(before.TargetDelayMs + 40), "the held delay is the target meanwhile");
        Assert.That(released.Accelerations, Is.GreaterThan(held.Accelerations), "the hold ended");
        AssertBackDown(released);
    }

    // A stall longer than the most that is held (100 ms over the target): the delays of its burst raised the target
    // over what the wait left, and the buffer keeps it, only coming down as the burst leaves the delay window.
    [Test]
    public void A_long_stall_stays_covered_by_the_target_its_burst_raised()
    {
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1), new NetworkSimulator(13) { JitterMs = 1 });
        rig.Run(5);
        Stall(rig, seconds: 0.4);
        var afterStall = rig.Buffer.GetStatistics();
        rig.Run(3);
        var after = rig.Buffer.GetStatistics();

        TestContext.Out.WriteLine($"after the stall {afterStall}\n3 s later {after}");
        Assert.That(after.StallHolds, Is.EqualTo(1));
        Assert.That(after.Accelerations - afterStall.Accelerations, Is.LessThan(30), "fewer than one read in ten shortened");
        Assert.That(after.CurrentDelayMs, Is.GreaterThan(250), "the wait is still in the buffer");
    }

    [Test]
    public void Without_a_hold_or_in_a_streams_first_seconds_a_stall_is_played_back_down_at_once()
    {
        foreach (var (options, stallAt) in new[] { (new JitterBufferOptions { StallHoldMs = 0 }, 5.0), (new JitterBufferOptions(), 1.0) })
        {
            var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1), new NetworkSimulator(12) { JitterMs = 1 }, options);
            rig.Run(stallAt);
            var before = rig.Buffer.GetStatistics();
            Stall(rig, seconds: 0.1);
            rig.Run(5);
            var after = rig.Buffer.GetStatistics();

            TestContext.Out.WriteLine($"hold {options.StallHoldMs} ms, stall at {stallAt} s: before {before}\nafter {after}");
            Assert.That(after.Underruns, Is.GreaterThan(before.Underruns), "the stall ran the buffer dry");
            Assert.That(after.StallHolds, Is.Zero);
            Assert.That(after.Accelerations, Is.GreaterThan(before.Accelerations));
            AssertBackDown(after);
        }
    }

    [TestCase(500)]
    [TestCase(-500)]
    [TestCase(1000)]
    [TestCase(-1000)]
    public void ClockDriftIsAbsorbedByTimeStretching(double skewPpm)
    {
        var network = new NetworkSimulator(5) { JitterMs = 2 };
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1, skewPpm: skewPpm), network);
        const double minutes = 3;
        rig.Run(minutes * 60);

        var s = rig.Buffer.GetStatistics();
        var steady = rig.History.Skip(500).ToList();
        double lowest = steady.Min(h => h.CurrentDelayMs), highest = steady.Max(h => h.CurrentDelayMs);
        TestContext.Out.WriteLine($"{s}\nlevel {lowest:F1}..{highest:F1} ms");
        Assert.That(lowest, Is.GreaterThan(10), "never starves");
        Assert.That(highest, Is.LessThan(s.TargetDelayMs + 40), "never piles up");
        Assert.That(s.Underruns, Is.Zero);
        Assert.That(s.ConcealedFrames, Is.Zero);

        // The stretches must add up to the drift: |skew| × duration of audio removed or inserted (each 2.5..12.5 ms).
        double driftMs = Math.Abs(skewPpm) * 1e-6 * minutes * 60_000;
        long stretches = skewPpm > 0 ? s.Accelerations : s.Expansions;
        long opposite = skewPpm > 0 ? s.Expansions : s.Accelerations;
        Assert.That(stretches, Is.InRange((long)(driftMs / 12.5) - 2, (long)(driftMs / 2.5) + 2));
        Assert.That(opposite, Is.LessThanOrEqualTo(2));
        JitterRig.AssertAccounted(s);
    }

    /// <summary>Nothing arrives for <paramref name="seconds"/>, then all that was sent meanwhile at once.</summary>
    private static void Stall(JitterRig rig, double seconds)
    {
        rig.Network.StalledUntilMicroseconds = rig.NowMicroseconds + (long)(seconds * 1_000_000);
        rig.Run(seconds);
    }

    /// <summary>Takes the jitter off the rig's network for <paramref name="seconds"/> and returns the statistics then.</summary>
    private static JitterBufferStatistics CalmDown(JitterRig rig, double seconds)
    {
        rig.Network.JitterMs = 0;
        rig.Run(seconds);
        return rig.Buffer.GetStatistics();
    }

    /// <summary>The jitter has left the buffer's window, and its level has been played back down to the target.</summary>
    private static void AssertBackDown(JitterBufferStatistics settled)
    {
        Assert.That(settled.TargetDelayMs, Is.LessThan(30), "the jitter has left the window");
        Assert.That(settled.CurrentDelayMs, Is.LessThan(settled.TargetDelayMs + 25), "accelerated back down");
        JitterRig.AssertAccounted(settled);
    }
}
