using Beryl.Aec.Fft;
using Beryl.Aec.Linear;

namespace Beryl.Aec.Tests.Linear;

public class LinearEchoCancellerTests
{
    private const int Rate = 16000;

    [Test]
    public void IdentifiesAKnownEchoPathOnWhiteNoise()
    {
        var far = TestSignals.WhiteNoise(8 * Rate, 0.05, seed: 1);
        var mic = TestSignals.Echo(far, TestSignals.RoomEchoPath(Rate, 100, 0.7, seed: 2), 320);
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate, EnableSuppressor = false });
        double linearErle = 0;
        var output = Runner.Run(aec, far, mic, (frame, a) => { if (frame == 790) linearErle = a.GetStatistics().LinearErleDb; });
        Assert.That(Runner.Erle(mic, output, Rate, 6, 8), Is.GreaterThan(30));
        Assert.That(linearErle, Is.GreaterThan(30));
    }

    [Test]
    public void DoubleTalkDoesNotMakeTheFilterDiverge()
    {
        int n = 12 * Rate;
        var far = TestSignals.SpeechLike(n, Rate, 0.05, seed: 3);
        var echo = TestSignals.Echo(far, TestSignals.RoomEchoPath(Rate, 80, 0.5, seed: 4), 480);
        // Near-end talks from 5 s to 10 s, louder than the echo.
        var near = TestSignals.SpeechLike(n, Rate, 0.05, seed: 5);
        for (int i = 0; i < n; i++) if (i < 5 * Rate || i >= 10 * Rate) near[i] = 0;
        var mic = TestSignals.Add(echo, near);
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate, EnableSuppressor = false });
        var output = Runner.Run(aec, far, mic);

        double before = Runner.Erle(mic, output, Rate, 3, 5);
        double after = Runner.Erle(mic, output, Rate, 10.5, 12);
        Assert.That(before, Is.GreaterThan(20));
        Assert.That(after, Is.GreaterThan(before - 6), "the filter must leave double talk about as good as it entered it");
        // During double talk the echo is still removed: what is left besides the near end is small.
        var residual = new float[5 * Rate];
        for (int i = 0; i < residual.Length; i++) residual[i] = output[5 * Rate + i] - near[5 * Rate + i];
        Assert.That(TestSignals.Db(TestSignals.Energy(echo.AsSpan(5 * Rate, 5 * Rate)), TestSignals.Energy(residual)), Is.GreaterThan(15));
    }

    /// <summary>
    /// G.711 audio upsampled to 16 kHz leaves the filter nothing to learn above 4 kHz. The causality constraint leaks
    /// into those coefficients and no gradient takes the leak out again: it must stay bounded (faded), below the echo
    /// path's own gain, and must not move the largest tap, which places the filter. Clearing the band outright instead
    /// would fight the constraint, and the echo would be cancelled some 20 dB less.
    /// </summary>
    [Test]
    public void NarrowbandRenderKeepsTheFilterOnItsEchoPath()
    {
        const int block = 160, partitions = 27, echoDelay = 160;
        var fft = new RealFft(2 * block, simd: true);
        int[] limits = Enumerable.Repeat(block + 1, partitions).ToArray();
        var render = new RenderSpectrumBuffer(1, partitions, block, fft, simd: true);
        var linear = new LinearEchoCanceller(1, partitions, block, limits, fft, simd: true);
        var history = new Beryl.Aec.Delay.RenderHistory(1, 48000);
        var far = TestSignals.MuLawNarrowband(TestSignals.SpeechLike(20 * 8000, 8000, 0.05, seed: 9), Rate);
        var mic = TestSignals.Echo(far, TestSignals.RoomEchoPath(Rate, 250, 0.5, seed: 10), echoDelay);
        var error = new float[block];
        var echo = new float[block];
        var gain = new float[block + 1];
        int edge = 4000 * 2 * block / Rate;
        double LeakDb()
        {
            linear.AdaptiveFilter.PowerGain(gain);
            return TestSignals.Db(gain.Take(edge).Average(), gain.Skip(edge + 10).Average());
        }

        double leakAfter8Seconds = 0;
        for (int frame = 0; frame < far.Length / block; frame++)
        {
            history.Append(far.AsSpan(frame * block, block), frame * block);
            render.Push(history, (frame + 1) * block);
            linear.Process(render, mic.AsSpan(frame * block, block), error, echo, frame % partitions, adapt: true);
            if (frame == 8 * Rate / block) leakAfter8Seconds = LeakDb();
        }

        double leakAtEnd = LeakDb();
        Assert.Multiple(() =>
        {
            Assert.That(linear.Erle, Is.GreaterThan(Math.Pow(10, 3.5)), "echo cancelled by more than 35 dB");
            Assert.That(linear.PeakTap, Is.EqualTo(echoDelay), "the largest tap is the echo path's direct sound");
            Assert.That(leakAtEnd, Is.GreaterThan(6), "filter gain below 4 kHz over the gain above 4.3 kHz, dB");
            Assert.That(leakAtEnd, Is.GreaterThan(leakAfter8Seconds - 1), "the leak above the band does not grow");
        });
    }

    [Test]
    public void BetterAdaptiveFilterIsCopiedAndADivergedOneIsReverted()
    {
        const int block = 160;
        var fft = new RealFft(2 * block, simd: true);
        int[] limits = Enumerable.Repeat(block + 1, 10).ToArray();
        var render = new RenderSpectrumBuffer(1, 10, block, fft, simd: true);
        var linear = new LinearEchoCanceller(1, 10, block, limits, fft, simd: true);
        var history = new Beryl.Aec.Delay.RenderHistory(1, 48000);
        var far = TestSignals.WhiteNoise(6 * Rate, 0.05, seed: 6);
        var mic = TestSignals.Echo(far, TestSignals.RoomEchoPath(Rate, 40, 0.5, seed: 7), 0);
        var error = new float[block];
        var echo = new float[block];
        bool usedAdaptive = false;
        int frame = 0;

        void Step()
        {
            history.Append(far.AsSpan(frame * block, block), frame * block);
            render.Push(history, (frame + 1) * block);
            linear.Process(render, mic.AsSpan(frame * block, block), error, echo, frame % 10, adapt: true);
            usedAdaptive |= linear.ActiveFilter == ActiveFilter.Adaptive;
            frame++;
        }

        for (int i = 0; i < 300; i++) Step();
        Assert.That(linear.CopyCount, Is.GreaterThan(0));
        Assert.That(usedAdaptive, Is.True);
        Assert.That(linear.Erle, Is.GreaterThan(100), "converged to more than 20 dB");
        Assert.That(linear.DivergenceCount, Is.Zero);

        // Corrupt the adaptive filter: it must be reverted from the fixed one, and the output must not suffer.
        var garbage = new PartitionedFilter(1, 10, block + 1, limits, simd: true);
        var noise = TestSignals.WhiteNoise(block + 1, 10, seed: 8);
        for (int i = 0; i < 20; i++) garbage.Adapt(render, noise, noise);
        linear.AdaptiveFilter.CopyFrom(garbage);
        double worst = double.MaxValue;
        for (int i = 0; i < 20; i++)
        {
            Step();
            worst = Math.Min(worst, TestSignals.Db(TestSignals.Energy(mic.AsSpan((frame - 1) * block, block)), TestSignals.Energy(error)));
        }
        Assert.That(linear.DivergenceCount, Is.GreaterThan(0));
        Assert.That(worst, Is.GreaterThan(15), "the fixed filter keeps cancelling while the adaptive one is reverted");
        for (int i = 0; i < 50; i++) Step();
        Assert.That(linear.Erle, Is.GreaterThan(100));
    }
}
