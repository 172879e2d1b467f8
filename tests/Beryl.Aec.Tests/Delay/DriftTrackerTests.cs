using Beryl.Aec.Delay;

namespace Beryl.Aec.Tests.Delay;

public class DriftTrackerTests
{
    private const int Rate = 16000;
    private const double Drift = -200e-6;
    private const double Interval = Rate / 4.0;     // an estimate every 250 ms, as the canceller takes them

    [Test]
    public void MeasuresTheSlopeOfTheDelays() => AssertMeasuresTheDrift(FourSecondsOnOnePath());

    // A rival peak that wins one estimate (a reflection, or the talker's own voice coming back from the far end) is not a
    // new path: fitting through it would report a drift that is not there, and restarting on it would lose the drift.
    [Test]
    public void AStrayEstimateIsLeftOut()
    {
        var tracker = FourSecondsOnOnePath();
        tracker.Add(16 * Interval, 9280);
        tracker.Add(17 * Interval, Delay(17));
        AssertMeasuresTheDrift(tracker);
    }

    // The path moves for good (a jitter buffer that grew): the history starts again from the new path, and the drift,
    // which belongs to the two clocks, is kept until the new path has measured it again.
    [Test]
    public void ANewPathStartsANewHistoryAndKeepsTheDrift()
    {
        var tracker = FourSecondsOnOnePath();
        var ratios = new List<double>();
        for (int i = 16; i < 40; i++)
        {
            tracker.Add(i * Interval, Delay(i) + 500);
            ratios.Add(tracker.Significant ? tracker.Ratio : 0);
        }
        Assert.That(ratios, Has.All.EqualTo(Drift).Within(10e-6));
    }

    [Test]
    public void NoDriftIsNotCompensated()
    {
        var tracker = new DriftTracker(Rate);
        var random = new Random(5);
        for (int i = 0; i < 40; i++) tracker.Add(i * Interval, 3000 + random.NextDouble() - 0.5);
        Assert.That(tracker.Significant, Is.False);
    }

    // A jitter buffer stretching its playout moves the echo 4.5 ms a second for a while: a line through the path before
    // and during the stretch misses the estimates by far more than their scatter, and is no drift.
    [Test]
    public void APathThatBendsIsNotDrift()
    {
        var tracker = new DriftTracker(Rate);
        for (int i = 0; i < 8; i++) tracker.Add(i * Interval, 3000);
        for (int i = 8; i < 14; i++) tracker.Add(i * Interval, 3000 - 4500e-6 * (i - 7) * Interval);
        Assert.That(tracker.Significant, Is.False, $"{tracker.Ratio * 1e6:F0} ppm");
    }

    private static double Delay(int estimate) => 3000 + Drift * estimate * Interval;

    private static DriftTracker FourSecondsOnOnePath()
    {
        var tracker = new DriftTracker(Rate);
        for (int i = 0; i < 16; i++) tracker.Add(i * Interval, Delay(i));
        return tracker;
    }

    private static void AssertMeasuresTheDrift(DriftTracker tracker)
    {
        Assert.That(tracker.Significant, Is.True);
        Assert.That(tracker.Ratio, Is.EqualTo(Drift).Within(5e-6));
    }
}
