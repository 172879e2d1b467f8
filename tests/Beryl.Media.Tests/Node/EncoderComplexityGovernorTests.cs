using Beryl.Media.Node;

namespace Beryl.Media.Tests.Node;

public sealed class EncoderComplexityGovernorTests
{
    [Test]
    public void A_crowded_thread_steps_down_one_level_per_hold_to_zero()
    {
        var governor = new EncoderComplexityGovernor(highest: 2);
        var steps = Run(governor, busyShare: 0.8, ticks: 10 * EncoderComplexityGovernor.HoldTicks);

        Assert.That(steps.Select(s => s.Complexity), Is.EqualTo(new[] { 1, 0 }), "one level at a time, never below 0");
        Assert.That(steps[0].Tick, Is.GreaterThan(50), "a moment's load is not a crowded thread: the share is smoothed");
        Assert.That(steps[1].Tick - steps[0].Tick, Is.GreaterThanOrEqualTo(EncoderComplexityGovernor.HoldTicks));
        Assert.That(governor.Load, Is.EqualTo(0.8).Within(0.01));
    }

    [Test]
    public void A_roomy_thread_steps_back_up_to_the_configured_level_and_no_further()
    {
        var governor = new EncoderComplexityGovernor(highest: 2);
        Run(governor, busyShare: 0.9, ticks: 10 * EncoderComplexityGovernor.HoldTicks);
        Assert.That(governor.Complexity, Is.Zero);

        var steps = Run(governor, busyShare: 0.1, ticks: 10 * EncoderComplexityGovernor.HoldTicks);
        Assert.That(steps.Select(s => s.Complexity), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(governor.Complexity, Is.EqualTo(2));
    }

    [TestCase(0.45)]
    [TestCase(0.0)]
    public void A_load_between_the_bounds_or_an_idle_thread_keeps_the_configured_level(double busyShare)
    {
        var governor = new EncoderComplexityGovernor(highest: 5);
        Assert.That(Run(governor, busyShare, ticks: 5 * EncoderComplexityGovernor.HoldTicks), Is.Empty);
        Assert.That(governor.Complexity, Is.EqualTo(5));
    }

    [Test]
    public void A_load_between_the_bounds_holds_a_lowered_level()
    {
        var governor = new EncoderComplexityGovernor(highest: 2);
        Run(governor, busyShare: 0.7, ticks: EncoderComplexityGovernor.HoldTicks);
        Assert.That(governor.Complexity, Is.EqualTo(1));
        Assert.That(Run(governor, busyShare: 0.45, ticks: 5 * EncoderComplexityGovernor.HoldTicks), Is.Empty, "no hunting once the load sits between the bounds");
    }

    [Test]
    public void A_tick_that_overran_counts_as_more_than_a_full_tick_and_bad_shares_count_as_none()
    {
        var governor = new EncoderComplexityGovernor(highest: 2);
        Run(governor, busyShare: 3.0, ticks: 100);
        Assert.That(governor.Load, Is.GreaterThan(1.5));
        Run(governor, busyShare: -1.0, ticks: 1000);
        Assert.That(governor.Load, Is.LessThan(0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncoderComplexityGovernor(highest: -1));
    }

    private static List<(int Tick, int Complexity)> Run(EncoderComplexityGovernor governor, double busyShare, int ticks)
    {
        var steps = new List<(int, int)>();
        for (int tick = 0; tick < ticks; tick++)
        {
            if (governor.Update(busyShare))
                steps.Add((tick, governor.Complexity));
        }
        return steps;
    }
}
