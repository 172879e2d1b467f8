namespace Beryl.Aec.Tests.Suppression;

public class EchoSuppressorTests
{
    private const int Rate = 16000;

    [TestCase(AecMode.Full)]
    [TestCase(AecMode.Lite)]
    public void LeavesALoneNearEndTalkerAtItsLevel(AecMode mode)
    {
        var near = TestSignals.SpeechLike(6 * Rate, Rate, 0.05, seed: 41);
        var silence = new float[near.Length];
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate, Mode = mode });
        var output = Runner.Run(aec, silence, near);
        double change = TestSignals.Db(TestSignals.Energy(output.AsSpan(Rate)), TestSignals.Energy(near.AsSpan(Rate)));
        Assert.That(change, Is.EqualTo(0).Within(1.0));
    }

    [Test]
    public void LeavesTheNearEndAloneAfterTheFarEndStops()
    {
        int n = 10 * Rate;
        var far = TestSignals.SpeechLike(n, Rate, 0.05, seed: 42);
        for (int i = 5 * Rate; i < n; i++) far[i] = 0;
        var echo = TestSignals.Echo(far, TestSignals.RoomEchoPath(Rate, 80, 0.5, seed: 43), 320);
        var near = TestSignals.SpeechLike(n, Rate, 0.05, seed: 44);
        for (int i = 0; i < 6 * Rate; i++) near[i] = 0;
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate });
        var output = Runner.Run(aec, far, TestSignals.Add(echo, near));
        double change = TestSignals.Db(TestSignals.Energy(output.AsSpan(6 * Rate)), TestSignals.Energy(near.AsSpan(6 * Rate)));
        Assert.That(change, Is.EqualTo(0).Within(1.0));
        Assert.That(Runner.Erle(TestSignals.Add(echo, near), output, Rate, 3, 5), Is.GreaterThan(30), "the echo itself is cut");
    }

    [Test]
    public void ComfortNoiseKeepsTheBackgroundLevelWhereEchoIsSuppressed()
    {
        int n = 8 * Rate;
        var far = TestSignals.WhiteNoise(n, 0.05, seed: 45);
        // A loud echo through a path the linear filter cannot fully model (clipped loudspeaker).
        var driven = far.Select(v => Math.Clamp(v * 3f, -0.08f, 0.08f)).ToArray();
        var echo = TestSignals.Echo(driven, TestSignals.RoomEchoPath(Rate, 60, 1.0, seed: 46), 160);
        var noise = TestSignals.WhiteNoise(n, 0.002, seed: 47);
        var mic = TestSignals.Add(echo, noise);
        var withNoise = Runner.Run(new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate }), far, mic);
        var without = Runner.Run(new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate, EnableComfortNoise = false }), far, mic);
        double noiseEnergy = TestSignals.Energy(noise.AsSpan(5 * Rate));
        double withLevel = TestSignals.Db(TestSignals.Energy(withNoise.AsSpan(5 * Rate)), noiseEnergy);
        double withoutLevel = TestSignals.Db(TestSignals.Energy(without.AsSpan(5 * Rate)), noiseEnergy);
        Assert.That(withLevel, Is.GreaterThan(withoutLevel), "comfort noise fills what was suppressed");
        Assert.That(withLevel, Is.InRange(-6.0, 3.0), "and matches the background level");
    }
}
