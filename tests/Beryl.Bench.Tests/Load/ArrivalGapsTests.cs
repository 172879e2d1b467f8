using Beryl.Bench.Load;

namespace Beryl.Bench.Tests.Load;

public class ArrivalGapsTests
{
    [Test]
    public void Percentiles_and_the_longest_gap_come_from_the_histogram()
    {
        var gaps = new ArrivalGaps();
        for (int i = 0; i < 98; i++)
            gaps.Add(TimeSpan.FromMilliseconds(20));
        gaps.Add(TimeSpan.FromMilliseconds(45));
        gaps.Add(TimeSpan.FromSeconds(5));
        Assert.Multiple(() =>
        {
            Assert.That(gaps.Count, Is.EqualTo(100));
            Assert.That(gaps.Percentile(0.5), Is.EqualTo(20));
            Assert.That(gaps.Percentile(0.99), Is.EqualTo(45));
            Assert.That(gaps.Max, Is.EqualTo(2000), "a gap beyond the histogram counts in its last bin");
        });
    }

    [Test]
    public void A_reset_window_has_seen_nothing()
    {
        var gaps = new ArrivalGaps();
        gaps.Add(TimeSpan.FromMilliseconds(20));
        gaps.Add(TimeSpan.FromMilliseconds(-3));
        gaps.Reset();
        Assert.Multiple(() =>
        {
            Assert.That(gaps.Count, Is.Zero);
            Assert.That(gaps.Percentile(0.99), Is.Zero);
            Assert.That(gaps.Max, Is.Zero);
        });
    }
}
