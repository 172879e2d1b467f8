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
        // A second of quiet background, then residual echo the linear filter could not remove (half its estimate).
        const int block = 160, frames = 500, quiet = 100;
        double withNoise = SuppressedBackground(comfortNoise: true), without = SuppressedBackground(comfortNoise: false);
        Assert.That(without, Is.LessThan(-10), "the suppressor does cut the residual echo, and the background with it");
        Assert.That(withNoise, Is.InRange(-4.0, 3.0), "comfort noise brings the background back to its level");

        static double SuppressedBackground(bool comfortNoise)
        {
            var fft = new Beryl.Aec.Fft.RealFft(2 * block, simd: true);
            var suppressor = new Beryl.Aec.Suppression.EchoSuppressor(block, fft, comfortNoise, seed: 1, simd: true);
            var echo = TestSignals.WhiteNoise(block * frames, 0.1, seed: 48);
            var background = TestSignals.WhiteNoise(block * frames, 0.003, seed: 49);
            var coherence = new float[block + 1];
            var output = new float[block];
            double outputEnergy = 0, backgroundEnergy = 0;
            for (int f = 0; f < frames; f++)
            {
                var estimate = f < quiet ? new float[block] : echo.AsSpan(f * block, block);
                var error = new float[block];
                for (int i = 0; i < block; i++) error[i] = 0.5f * estimate[i] + background[f * block + i];
                suppressor.Process(error, estimate, coherence, farEndActive: f >= quiet, output);
                if (f < frames / 2) continue;
                outputEnergy += TestSignals.Energy(output);
                backgroundEnergy += TestSignals.Energy(background.AsSpan(f * block, block));
            }
            return TestSignals.Db(outputEnergy, backgroundEnergy);
        }
    }
}
