namespace Beryl.Aec.Tests.Delay;

public class DelayEstimationTests
{
    private const int Rate = 16000;

    [TestCase(0)]
    [TestCase(20)]
    [TestCase(150)]
    [TestCase(400)]
    [TestCase(900)]
    [TestCase(-30)]
    public void FindsTheBulkDelay(int delayMs)
    {
        var far = TestSignals.SpeechLike(8 * Rate, Rate, 0.05, seed: 11);
        var path = TestSignals.RoomEchoPath(Rate, 60, 0.5, seed: 12);
        var mic = TestSignals.Echo(far, path, delayMs * Rate / 1000);
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate, Mode = AecMode.Full });
        Runner.Run(aec, far, mic);
        var stats = aec.GetStatistics();
        Assert.That(stats.DelayMs, Is.EqualTo(delayMs).Within(2.0), $"confidence {stats.DelayConfidence:F2}");
        Assert.That(stats.DelayConfidence, Is.GreaterThan(0.3));
    }

    [Test]
    public void LiteFindsDelaysUpTo500Ms()
    {
        var far = TestSignals.SpeechLike(8 * Rate, Rate, 0.05, seed: 21);
        var mic = TestSignals.Echo(far, TestSignals.RoomEchoPath(Rate, 40, 0.5, seed: 22), 450 * Rate / 1000);
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate, Mode = AecMode.Lite });
        Runner.Run(aec, far, mic);
        Assert.That(aec.GetStatistics().DelayMs, Is.EqualTo(450).Within(2.0));
    }

    [TestCase(500)]
    [TestCase(-500)]
    public void FollowsClockDrift(double ppm)
    {
        const int seconds = 14, delayMs = 100;
        var far = TestSignals.SpeechLike(seconds * Rate, Rate, 0.05, seed: 31);
        var echo = TestSignals.Echo(far, TestSignals.RoomEchoPath(Rate, 60, 0.5, seed: 32), delayMs * Rate / 1000);
        var mic = TestSignals.Drift(echo, ppm);
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate });
        var delays = new List<(double Time, double Delay)>();
        Runner.Run(aec, far, mic, (frame, a) => { if (frame % 100 == 99) delays.Add(((frame + 1) / 100.0, a.GetStatistics().DelayMs)); });

        // Capture sample n holds the echo of render time n/(1+ppm): the delay grows by n*ppm.
        foreach (var (time, delay) in delays.Where(d => d.Time >= 4 && d.Time <= seconds))
        {
            double expected = delayMs + time * ppm * 1e-3;
            Assert.That(delay, Is.EqualTo(expected).Within(2.0), $"at {time} s");
        }
        Assert.That(aec.GetStatistics().DriftPpm, Is.EqualTo(ppm).Within(Math.Abs(ppm) * 0.5));
    }

    // The filter holds still only once the drift is known: measured to 5 % from the third second of echo on, a
    // 200 ppm drift leaves 0.16 samples a second for the filter to follow.
    [TestCase(200)]
    [TestCase(-200)]
    public void MeasuresClockDriftSoonAndClosely(double ppm)
    {
        const int seconds = 10;
        var far = TestSignals.SpeechLike(seconds * Rate, Rate, 0.05, seed: 33);
        var mic = TestSignals.Drift(TestSignals.Echo(far, TestSignals.RoomEchoPath(Rate, 60, 0.5, seed: 34), 100 * Rate / 1000), ppm);
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate });
        var drifts = new List<double>();
        Runner.Run(aec, far, mic, (frame, a) => { if (frame >= 300 && frame % 50 == 0) drifts.Add(a.GetStatistics().DriftPpm); });
        Assert.That(drifts, Has.All.EqualTo(ppm).Within(Math.Abs(ppm) * 0.05));
    }

    // A jitter buffer before the loudspeaker moves the echo by milliseconds at a time while the room stays: the
    // canceller moves its filter with the path within a quarter second and keeps what it learnt of the room. Moves
    // beyond the shift detector's range wait for the delay estimator, and the filter goes with them too.
    [TestCase(20, 0.25, 25.0)]
    [TestCase(-14, 0.25, 25.0)]
    [TestCase(300, 2.0, 30.0)]
    public void FollowsAnEchoPathThatMovesAsAWhole(int moveMs, double settleSeconds, double minimumErle)
    {
        const int seconds = 12, delayMs = 100, moveAt = 7;
        var far = TestSignals.SpeechLike(seconds * Rate, Rate, 0.05, seed: 51);
        var path = TestSignals.RoomEchoPath(Rate, 60, 0.5, seed: 52);
        var before = TestSignals.Echo(far, path, delayMs * Rate / 1000);
        var after = TestSignals.Echo(far, path, (delayMs + moveMs) * Rate / 1000);
        var mic = TestSignals.Add(before[..(moveAt * Rate)].Concat(after[(moveAt * Rate)..]).ToArray(), TestSignals.WhiteNoise(far.Length, 3e-4, seed: 53));
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate });
        var output = Runner.Run(aec, far, mic);
        double settled = Runner.Erle(mic, output, Rate, moveAt - 2, moveAt);
        double afterMove = Runner.Erle(mic, output, Rate, moveAt + settleSeconds, moveAt + settleSeconds + 1.5);
        TestContext.Out.WriteLine($"move {moveMs} ms: ERLE {settled:F1} dB before, {afterMove:F1} dB from {settleSeconds} s after; delay {aec.GetStatistics().DelayMs:F1} ms");
        Assert.That(settled, Is.GreaterThan(30));
        Assert.That(afterMove, Is.GreaterThan(minimumErle));
        Assert.That(aec.GetStatistics().DelayMs, Is.EqualTo(delayMs + moveMs).Within(2.0));
    }

    // A server's leg: the capture is the network's audio out of a jitter buffer, which inserts 150 ms while it waits for
    // a late packet. The application knows and says so; the canceller moves with the path as the moved capture leaves
    // its look-ahead, and keeps cancelling. Unreported, the move is beyond the shift detector's range and waits for the
    // delay estimator.
    [TestCase(150)]
    [TestCase(-30)]
    public void FollowsACaptureShiftItIsTold(int shiftMs)
    {
        const int seconds = 12, delayMs = 100, moveAt = 7;
        int shift = shiftMs * Rate / 1000, moveSample = moveAt * Rate;
        var far = TestSignals.SpeechLike(seconds * Rate, Rate, 0.05, seed: 54);
        var echo = TestSignals.Add(TestSignals.Echo(far, TestSignals.RoomEchoPath(Rate, 60, 0.5, seed: 55), delayMs * Rate / 1000), TestSignals.WhiteNoise(far.Length, 3e-4, seed: 56));
        // Samples inserted into (or cut from) the capture at the move: concealment that the echo path never made.
        var mic = shift >= 0
            ? [.. echo[..moveSample], .. TestSignals.WhiteNoise(shift, 3e-4, seed: 57), .. echo[moveSample..^shift]]
            : echo[..moveSample].Concat(echo[(moveSample - shift)..]).Concat(new float[-shift]).ToArray();

        double Erle(bool report)
        {
            var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate });
            var output = Runner.Run(aec, far, mic, (frame, a) => { if (report && frame == moveAt * 100 - 1) a.ReportCaptureShift(shift); });
            return Runner.Erle(mic, output, Rate, moveAt + 0.1, moveAt + 1.5);
        }

        double told = Erle(report: true), untold = Erle(report: false);
        TestContext.Out.WriteLine($"capture shifted {shiftMs} ms: ERLE {told:F1} dB over the 1.4 s after it when told, {untold:F1} dB when not");
        Assert.That(told, Is.GreaterThan(30));
        Assert.That(told, Is.GreaterThan(untold + 6), "being told is worth it");
    }

    [Test]
    public void InitialDelayIsUsedBeforeAnyEvidence()
    {
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate, InitialDelayMs = 120 });
        Assert.That(aec.GetStatistics().DelayMs, Is.EqualTo(120).Within(1.0));
    }
}
