using Beryl.Media.Jitter;

namespace Beryl.Media.Tests.Jitter;

public sealed class NetworkDelayEstimatorTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(7)]
    [TestCase(250)]
    public void SelectFindsWhatSortingWouldPutAtEveryIndex(int length)
    {
        var random = new Random(length);
        for (int trial = 0; trial < 20; trial++)
        {
            // Few distinct values in half the trials: runs of equal delays are what a quiet network gives.
            long[] values = [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(trial % 2 == 0 ? 5 : 1_000_000))];
            long[] sorted = [.. values.Order()];
            for (int index = 0; index < length; index++)
            {
                long[] scratch = [.. values];
                Assert.That(NetworkDelayEstimator.Select(scratch, index), Is.EqualTo(sorted[index]), $"trial {trial}, index {index}");
                Assert.That(scratch.Order(), Is.EqualTo(sorted), "Select only reorders its values");
            }
        }
    }

    [Test]
    public void SpreadIsTheQuantileOfTheNewerHalfAboveItsMinimum()
    {
        var estimator = new NetworkDelayEstimator(windowPackets: 250, quantile: 0.9);
        Assert.That(estimator.SpreadMicroseconds(), Is.Zero, "nothing seen yet");
        // 100 packets whose delay grows 1 µs each, the newer 50 in shuffled order: the window is those 50.
        var random = new Random(3);
        for (int i = 0; i < 50; i++)
            estimator.Add(1000 + i);
        foreach (int i in Enumerable.Range(50, 50).OrderBy(_ => random.Next()))
            estimator.Add(1000 + i);
        // The newer 50 hold 50..99: their 90% quantile is the 45th smallest, 94, and their minimum 50.
        Assert.That(estimator.SpreadMicroseconds(), Is.EqualTo(44));
    }

    [Test]
    public void OneLatePacketStaysAboveTheQuantile()
    {
        var estimator = new NetworkDelayEstimator(windowPackets: 250, quantile: 0.98);
        for (int i = 0; i < 100; i++)
            estimator.Add(1000 + i);
        estimator.Add(5000);
        // The newer 50 are 51..99 and the late one: the 98% quantile is the 49th smallest, 99.
        Assert.That(estimator.SpreadMicroseconds(), Is.EqualTo(99 - 51));
        estimator.Add(5000);
        Assert.That(estimator.SpreadMicroseconds(), Is.EqualTo(5000 - 1051), "two late packets of 51 reach the 98% quantile");
    }
}
