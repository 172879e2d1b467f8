namespace Beryl.Aec.Tests;

public class EchoCancellerTests
{
    [TestCase(44100, "Sample rate 44100 Hz is not supported")]
    [TestCase(0, "Sample rate 0 Hz")]
    public void UnsupportedRatesAreRejected(int rate, string message) =>
        Assert.That(() => new EchoCanceller(new EchoCancellerOptions { SampleRate = rate }), Throws.ArgumentException.With.Message.Contains(message));

    [Test]
    public void BadOptionsAreRejectedWithTheSettingNamed()
    {
        Assert.That(() => new EchoCanceller(new EchoCancellerOptions { RenderChannels = 3 }), Throws.ArgumentException.With.Message.Contains("Render channels"));
        Assert.That(() => new EchoCanceller(new EchoCancellerOptions { CaptureChannels = 0 }), Throws.ArgumentException.With.Message.Contains("Capture channels"));
        Assert.That(() => new EchoCanceller(new EchoCancellerOptions { TailLengthMs = 5 }), Throws.ArgumentException.With.Message.Contains("Tail length"));
        Assert.That(() => new EchoCanceller(new EchoCancellerOptions { MaxDelayMs = 2000 }), Throws.ArgumentException.With.Message.Contains("Maximum delay"));
        Assert.That(() => new EchoCanceller(new EchoCancellerOptions { LookAheadMs = -1 }), Throws.ArgumentException.With.Message.Contains("Look-ahead"));
        Assert.That(() => new EchoCanceller(new EchoCancellerOptions { Mode = AecMode.Lite, InitialDelayMs = -20 }), Throws.ArgumentException.With.Message.Contains("Initial delay"));
        Assert.That(() => new EchoCanceller(new EchoCancellerOptions { Mode = (AecMode)7 }), Throws.ArgumentException.With.Message.Contains("mode"));
        Assert.That(() => new EchoCanceller(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void FramesOfTheWrongSizeAreRejected()
    {
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = 48000, CaptureChannels = 2 });
        Assert.That(aec.FrameSize, Is.EqualTo(480));
        Assert.That(() => aec.ProcessRender(new float[479]), Throws.ArgumentException.With.Message.Contains("480 samples"));
        Assert.That(() => aec.ProcessCapture(new float[480], new float[960]), Throws.ArgumentException.With.Message.Contains("960 samples"));
        Assert.That(() => aec.ProcessCapture(new short[960], new short[480]), Throws.ArgumentException);
        Assert.That(aec.GetStatistics().FramesProcessed, Is.Zero, "a rejected frame changes nothing");
    }

    [TestCase(AecMode.Full, 16000, 1, 1)]
    [TestCase(AecMode.Lite, 16000, 1, 1)]
    [TestCase(AecMode.Full, 48000, 2, 2)]
    public void ProcessingAllocatesNothing(AecMode mode, int rate, int renderChannels, int captureChannels)
    {
        var aec = new EchoCanceller(new EchoCancellerOptions { Mode = mode, SampleRate = rate, RenderChannels = renderChannels, CaptureChannels = captureChannels });
        int block = rate / 100;
        var far = TestSignals.WhiteNoise(block * renderChannels, 0.05, 1);
        var mic = TestSignals.WhiteNoise(block * captureChannels, 0.05, 2);
        var output = new float[mic.Length];
        var farShort = new short[far.Length];
        var micShort = new short[mic.Length];
        var outShort = new short[mic.Length];
        void Frame()
        {
            aec.ProcessRender(far);
            aec.ProcessCapture(mic, output);
            aec.ProcessRender(farShort);
            aec.ProcessCapture(micShort, outShort);
            aec.GetStatistics();
        }
        for (int i = 0; i < 300; i++) Frame();
        // The runtime itself may allocate once while it recompiles hot methods; an allocation per frame fails every round.
        long least = long.MaxValue;
        for (int round = 0; round < 3 && least != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++) Frame();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.That(least, Is.Zero);
    }

    [Test]
    public void ScalarAndSimdPathsAgree()
    {
        const int rate = 16000;
        var far = TestSignals.SpeechLike(2 * rate, rate, 0.05, 3);
        var mic = TestSignals.Add(TestSignals.Echo(far, TestSignals.RoomEchoPath(rate, 60, 0.5, 4), 200), TestSignals.WhiteNoise(2 * rate, 0.001, 5));
        var simd = Runner.Run(new EchoCanceller(new EchoCancellerOptions { SampleRate = rate, InitialDelayMs = 12 }), far, mic);
        var scalar = Runner.Run(new EchoCanceller(new EchoCancellerOptions { SampleRate = rate, InitialDelayMs = 12, UseSimd = false }), far, mic);
        var difference = simd.Zip(scalar, (a, b) => a - b).ToArray();
        // Adaptive filters amplify rounding differences over time; over the first second they stay far below the signal.
        Assert.That(TestSignals.Db(TestSignals.Energy(simd.AsSpan(0, rate)), TestSignals.Energy(difference.AsSpan(0, rate))), Is.GreaterThan(30));
        Assert.That(Runner.Erle(mic, scalar, rate, 1, 2), Is.GreaterThan(10), "both paths cancel");
    }

    [Test]
    public void ShortAndFloatOverloadsGiveTheSameResult()
    {
        const int rate = 16000, block = 160;
        var far = TestSignals.SpeechLike(rate, rate, 0.05, 6);
        var mic = TestSignals.Echo(far, TestSignals.RoomEchoPath(rate, 40, 0.5, 7), 100);
        var a = new EchoCanceller(new EchoCancellerOptions { SampleRate = rate });
        var b = new EchoCanceller(new EchoCancellerOptions { SampleRate = rate });
        var outFloat = new float[block];
        var outShort = new short[block];
        double maxDifference = 0;
        for (int f = 0; f < rate / block; f++)
        {
            var farShort = far.AsSpan(f * block, block).ToArray().Select(v => (short)Math.Round(v * 32768)).ToArray();
            var micShort = mic.AsSpan(f * block, block).ToArray().Select(v => (short)Math.Round(v * 32768)).ToArray();
            a.ProcessRender(farShort.Select(v => v / 32768f).ToArray());
            a.ProcessCapture(micShort.Select(v => v / 32768f).ToArray(), outFloat);
            b.ProcessRender(farShort);
            b.ProcessCapture(micShort, outShort);
            for (int i = 0; i < block; i++) maxDifference = Math.Max(maxDifference, Math.Abs(outFloat[i] * 32768 - outShort[i]));
        }
        Assert.That(maxDifference, Is.LessThanOrEqualTo(1.0));
    }

    [Test]
    public void StereoRenderAndCaptureAt48kHzAreCancelled()
    {
        const int rate = 48000, seconds = 8;
        var left = TestSignals.SpeechLike(seconds * rate, rate, 0.05, 8);
        var right = TestSignals.SpeechLike(seconds * rate, rate, 0.05, 9);
        var paths = Enumerable.Range(0, 4).Select(i => TestSignals.RoomEchoPath(rate, 60, 0.4, 10 + i)).ToArray();
        var mic0 = TestSignals.Add(TestSignals.Echo(left, paths[0], 960), TestSignals.Echo(right, paths[1], 1100));
        var mic1 = TestSignals.Add(TestSignals.Echo(left, paths[2], 1000), TestSignals.Echo(right, paths[3], 980));
        var far = Interleave(left, right);
        var mic = Interleave(mic0, mic1);
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = rate, RenderChannels = 2, CaptureChannels = 2 });
        var output = Runner.Run(aec, far, mic);
        Assert.That(Runner.Erle(mic, output, rate, 4, seconds, channels: 2), Is.GreaterThan(25));
    }

    [Test]
    public void RenderAndCaptureBurstsKeepTheAlignment()
    {
        const int burst = 5;
        var run = new ScheduledRun(seed: 20);
        for (int start = 0; start < run.Frames; start += burst)
        {
            for (int f = start; f < Math.Min(run.Frames, start + burst); f++) run.Render(f);
            for (int f = start; f < Math.Min(run.Frames, start + burst); f++) run.Capture(f);
        }
        Assert.That(run.Erle, Is.GreaterThan(run.LockstepErle() - 3));
        Assert.That(run.Canceller.GetStatistics().RenderUnderruns, Is.Zero);
    }

    // A render thread a frame behind the capture thread (its callback comes just after the capture's) would leave the
    // newest render block unwritten in every frame until the delay is known, and the filter would learn from holes.
    [Test]
    public void RenderOneFrameBehindTheCaptureIsWaitedFor()
    {
        var run = new ScheduledRun(seed: 22);
        for (int f = 0; f < run.Frames; f++)
        {
            run.Capture(f);
            run.Render(f);
        }
        double lockstep = run.LockstepErle();
        long underruns = run.Canceller.GetStatistics().RenderUnderruns;
        TestContext.Out.WriteLine($"ERLE {run.Erle:0.0} dB (in lockstep {lockstep:0.0} dB), render underruns {underruns}");
        Assert.That(underruns, Is.EqualTo(1), "the first frame finds its render missing, and the window then waits for it");
        Assert.That(run.Erle, Is.GreaterThan(lockstep - 3));
    }

    [Test]
    public void RenderAndCaptureOnTwoThreads()
    {
        const int rate = 16000, block = 160;
        var far = TestSignals.SpeechLike(10 * rate, rate, 0.05, 30);
        var mic = TestSignals.Echo(far, TestSignals.RoomEchoPath(rate, 60, 0.5, 31), 480);
        var aec = new EchoCanceller(new EchoCancellerOptions { SampleRate = rate });
        int frames = mic.Length / block;
        // The render thread may run up to 8 frames ahead of capture, as a device callback with a small buffer would.
        using var credit = new SemaphoreSlim(8);
        using var rendered = new SemaphoreSlim(0);
        var renderThread = Task.Run(() =>
        {
            for (int f = 0; f < frames; f++)
            {
                credit.Wait();
                aec.ProcessRender(far.AsSpan(f * block, block));
                rendered.Release();
            }
        });
        var output = new float[mic.Length];
        var frame = new float[block];
        var statistics = new List<EchoCancellerStatistics>();
        var reader = Task.Run(() => { for (int i = 0; i < 2000; i++) statistics.Add(aec.GetStatistics()); });
        for (int f = 0; f < frames; f++)
        {
            rendered.Wait();
            aec.ProcessCapture(mic.AsSpan(f * block, block), frame);
            credit.Release();
            for (int i = 0; i < block; i++) if (f * block + i - aec.LatencySamples >= 0) output[f * block + i - aec.LatencySamples] = frame[i];
        }
        renderThread.Wait();
        reader.Wait();
        Assert.That(Runner.Erle(mic, output, rate, 5, 9.9), Is.GreaterThan(25));
        Assert.That(aec.GetStatistics().RenderOverruns, Is.Zero);
        Assert.That(statistics.Zip(statistics.Skip(1)).All(p => p.Second.FramesProcessed >= p.First.FramesProcessed), Is.True, "snapshots are consistent and monotonic");
    }

    private static float[] Interleave(float[] a, float[] b)
    {
        var x = new float[a.Length * 2];
        for (int i = 0; i < a.Length; i++) { x[2 * i] = a[i]; x[2 * i + 1] = b[i]; }
        return x;
    }

    /// <summary>A 10 s echo at 16 kHz whose render and capture frames the test hands to a canceller in its own order.</summary>
    private sealed class ScheduledRun
    {
        private const int Rate = 16000, Block = 160;
        private readonly float[] _far, _mic, _output, _frame = new float[Block];

        public ScheduledRun(int seed)
        {
            _far = TestSignals.SpeechLike(10 * Rate, Rate, 0.05, seed);
            _mic = TestSignals.Echo(_far, TestSignals.RoomEchoPath(Rate, 60, 0.5, seed + 1), 480);
            _output = new float[_mic.Length];
        }

        public EchoCanceller Canceller { get; } = new(new EchoCancellerOptions { SampleRate = Rate });

        public int Frames => _mic.Length / Block;

        /// <summary>ERLE over 5..9.9 s of what the canceller put out.</summary>
        public double Erle => Runner.Erle(_mic, _output, Rate, 5, 9.9);

        public void Render(int frame) => Canceller.ProcessRender(_far.AsSpan(frame * Block, Block));

        public void Capture(int frame)
        {
            Canceller.ProcessCapture(_mic.AsSpan(frame * Block, Block), _frame);
            int start = frame * Block - Canceller.LatencySamples;
            for (int i = Math.Max(0, -start); i < Block; i++) _output[start + i] = _frame[i];
        }

        /// <summary>The ERLE of a second canceller given the same signals in lockstep.</summary>
        public double LockstepErle() => Runner.Erle(_mic, Runner.Run(new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate }), _far, _mic), Rate, 5, 9.9);
    }
}
