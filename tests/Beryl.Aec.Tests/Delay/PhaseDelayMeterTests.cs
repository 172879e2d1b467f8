using Beryl.Aec.Delay;

namespace Beryl.Aec.Tests.Delay;

public class PhaseDelayMeterTests
{
    private const int Rate = 16000, Block = Rate / 100, DelaySamples = 1600;

    // Capture sample n holds the echo of render time n / (1 + ppm): the delay grows by ppm per sample, 0.8 samples per
    // measurement at 200 ppm and 16 kHz. The correlation peak scatters by most of a sample; the phases must do far better
    // (12.5 us is 0.2 samples at 16 kHz, the peak's 0.7 samples 44 us). At 48 kHz the meter works on the audio decimated
    // to 16 kHz, and what the decimator lets fold down from above 8 kHz turns with the wrong frequency: twice the scatter.
    [TestCase(200.0, Rate, 12.5e-6)]
    [TestCase(-350.0, Rate, 12.5e-6)]
    [TestCase(200.0, 48000, 25e-6)]
    public void MeasuresHowFarTheDelayMovesToAFractionOfASample(double ppm, int rate, double scatterSeconds)
    {
        var far = TestSignals.SpeechLike(8 * rate, rate, 0.05, seed: 41);
        int delay = DelaySamples * rate / Rate;
        var mic = TestSignals.Drift(TestSignals.Echo(far, TestSignals.RoomEchoPath(rate, 60, 0.5, seed: 42), delay), ppm);
        var measured = Measure(far, mic, delay, new PhaseDelayMeter(rate, rate, simd: true), rate / 100);

        Assert.That(measured, Has.Count.GreaterThan(20));
        var (slope, scatter) = Line(measured);
        Assert.That(slope, Is.EqualTo(ppm * 1e-6).Within(Math.Abs(ppm) * 0.03e-6));
        Assert.That(scatter / rate, Is.LessThan(scatterSeconds), () => $"{string.Join(" ", measured.Select(m => m.Delay.ToString("F2")))}: seconds off the line, root mean square");
    }

    // A jitter buffer that drops 3 ms moves the echo further than any drift could in a segment: the meter stops, to be
    // started again on the new path, instead of reporting a ramp from one to the other.
    [Test]
    public void AStepIsNotFollowed()
    {
        const int step = 48;
        var far = TestSignals.SpeechLike(8 * Rate, Rate, 0.05, seed: 43);
        var path = TestSignals.RoomEchoPath(Rate, 60, 0.5, seed: 44);
        var before = TestSignals.Echo(far, path, DelaySamples);
        var after = TestSignals.Echo(far, path, DelaySamples - step);
        var mic = before[..(4 * Rate)].Concat(after[(4 * Rate)..]).ToArray();
        var meter = new PhaseDelayMeter(Rate, Rate, simd: true);
        var measured = Measure(far, mic, DelaySamples, meter);

        Assert.That(measured.Where(m => m.Time < 4 * Rate).Select(m => m.Delay).ToList(), Has.Count.GreaterThan(5).And.All.EqualTo(DelaySamples).Within(0.1));
        Assert.That(measured.Where(m => m.Time > 4 * Rate + Rate / 4), Is.Empty);
        Assert.That(meter.Running, Is.False);
    }

    [Test]
    public void SilenceIsNotMeasured()
    {
        var far = new float[4 * Rate];
        var mic = TestSignals.WhiteNoise(4 * Rate, 0.05, seed: 45);
        Assert.That(Measure(far, mic, DelaySamples), Is.Empty);
    }

    [Test]
    public void AnotherPathStartsAgainTheSameDoesNot()
    {
        var meter = new PhaseDelayMeter(Rate, Rate, simd: true);
        Assert.That(meter.Follow(DelaySamples), Is.True);
        Assert.That(meter.Follow(DelaySamples + Rate / 2000), Is.False);
        Assert.That(meter.Follow(DelaySamples + Rate / 500), Is.True);
    }

    private static (double Slope, double Scatter) Line(List<(double Time, double Delay)> points)
    {
        double meanTime = points.Average(p => p.Time), meanDelay = points.Average(p => p.Delay);
        double slope = points.Sum(p => (p.Time - meanTime) * (p.Delay - meanDelay)) / points.Sum(p => Math.Pow(p.Time - meanTime, 2));
        double scatter = Math.Sqrt(points.Average(p => Math.Pow(p.Delay - meanDelay - slope * (p.Time - meanTime), 2)));
        return (slope, scatter);
    }

    private static List<(double Time, double Delay)> Measure(float[] far, float[] mic, double delay, PhaseDelayMeter? meter = null, int block = Block)
    {
        meter ??= new PhaseDelayMeter(Rate, Rate, simd: true);
        var measured = new List<(double, double)>();
        meter.Follow(delay);
        for (int f = 0; f + 1 <= mic.Length / block; f++)
        {
            meter.AddRender(far.AsSpan(f * block, block));
            if (meter.Add(mic.AsSpan(f * block, block), (f + 1) * block, out double time, out double measuredDelay))
                measured.Add((time, measuredDelay));
        }
        return measured;
    }
}
