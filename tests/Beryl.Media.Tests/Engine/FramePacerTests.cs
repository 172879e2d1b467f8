using Beryl.Media.Engine;

namespace Beryl.Media.Tests.Engine;

/// <summary><see cref="FramePacer"/> on a clock the test moves: one tick is a microsecond, a frame 10 000 ticks.</summary>
public sealed class FramePacerTests
{
    private const long Frame = 10_000;

    // The thread runs 20 frames on time, stalls for 100 ms, then runs on: returns the clock at each frame's start.
    private static List<long> FrameStarts(bool gentleCatchUp)
    {
        long now = 0;
        var pacer = new FramePacer(TimeSpan.FromMilliseconds(10), gentleCatchUp, () => now, ticks => now += ticks, frequency: 1_000_000);
        var starts = new List<long>();
        for (int frame = 0; frame < 60; frame++)
        {
            pacer.WaitForNextFrame();
            starts.Add(now);
            now += 500;   // the frame's work
            if (frame == 20)
                now += 10 * Frame;
        }
        return starts;
    }

    [Test]
    public void Frames_missed_in_a_stall_are_run_back_to_back()
    {
        var starts = FrameStarts(gentleCatchUp: false);
        Assert.That(starts[21] - starts[20], Is.EqualTo(10 * Frame + 500), "the stall");
        for (int frame = 22; frame <= 30; frame++)
            Assert.That(starts[frame] - starts[frame - 1], Is.EqualTo(500), $"frame {frame} right after the last");
        Assert.That(starts[40], Is.EqualTo(40 * Frame), "on time again");
    }

    [Test]
    public void A_gentle_pacer_runs_frames_missed_in_a_stall_half_a_frame_apart_until_it_is_on_time_again()
    {
        var starts = FrameStarts(gentleCatchUp: true);
        Assert.That(starts.Take(21), Is.EqualTo(Enumerable.Range(0, 21).Select(f => f * Frame)), "on time before the stall");
        Assert.That(starts[21] - starts[20], Is.EqualTo(10 * Frame + 500), "the stall");
        for (int frame = 22; frame <= 38; frame++)
            Assert.That(starts[frame] - starts[frame - 1], Is.EqualTo(Frame / 2), $"frame {frame} half a frame after the last");
        Assert.That(starts.Skip(45), Is.EqualTo(Enumerable.Range(45, 15).Select(f => f * Frame)), "on time again: no frame skipped");
    }
}
