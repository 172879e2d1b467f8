using Beryl.Aec;
using Beryl.Media.Audio;
using Beryl.Media.Processing;

namespace Beryl.Cli.Tests;

public class OfflineEchoCancellerTests
{
    private TestFolder _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TestFolder();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    /// <summary>Passes the capture through, delayed by <see cref="LatencySamples"/>; reports scripted statistics.</summary>
    private sealed class DelayingProcessor(int frameSize, int channels, int latency) : IOfflineFrameProcessor, IDisposable
    {
        private readonly Queue<float> _line = new(Enumerable.Repeat(0f, latency * channels));
        private long _frames;

        public int FrameSize => frameSize;

        public int LatencySamples => latency;

        public int RenderFrames { get; private set; }

        public bool Disposed { get; private set; }

        public void ProcessRender(ReadOnlySpan<float> interleaved)
        {
            Assert.That(interleaved.Length % frameSize, Is.EqualTo(0));
            RenderFrames++;
        }

        public void ProcessCapture(ReadOnlySpan<float> capture, Span<float> output)
        {
            foreach (float x in capture)
                _line.Enqueue(x);
            for (int i = 0; i < output.Length; i++)
                output[i] = _line.Dequeue();
            _frames++;
        }

        public EchoCancellerStatistics? GetStatistics() => new EchoCancellerStatistics
        {
            FramesProcessed = _frames,
            DoubleTalk = _frames % 4 == 0,
            DelayMs = _frames,
        };

        public void Dispose() => Disposed = true;
    }

    [TestCase(0, 1)]
    [TestCase(37, 1)]
    [TestCase(160, 2)]
    [TestCase(801, 2)]
    public void Output_IsTimeAlignedWithTheMic(int latency, int channels)
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 5000, WavSampleFormat.Float32);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, channels, 12345, WavSampleFormat.Float32, seed: 9);
        DelayingProcessor? processor = null;

        var result = OfflineEchoCanceller.Process(far, mic, _dir["out.wav"], f =>
        {
            Assert.That(f, Is.EqualTo(new OfflineStreamFormat(16000, 1, channels)));
            return processor = new DelayingProcessor(f.SampleRate / 100, f.CaptureChannels, latency);
        });

        Assert.That(TestAudio.ReadAll(_dir["out.wav"]), Is.EqualTo(TestAudio.ReadAll(mic)));
        Assert.That(result.Frames, Is.EqualTo(12345));
        Assert.That(result.Seconds, Is.EqualTo(12345 / 16000.0).Within(1e-12));
        Assert.That(result.ProcessedFrames, Is.EqualTo((12345 + latency + 159) / 160));
        Assert.That(processor!.RenderFrames, Is.EqualTo(result.ProcessedFrames));
        Assert.That(processor.Disposed, Is.True);
        Assert.That(_dir.TempFiles(), Is.Empty);
    }

    [Test]
    public void PerSecond_CoversEverySecondOfTheMic()
    {
        string far = TestAudio.Write(_dir["far.wav"], 8000, 1, 8000);
        string mic = TestAudio.Write(_dir["mic.wav"], 8000, 1, 8000 * 2 + 800); // 2.1 s
        var seconds = new List<SecondStatistics>();

        var result = OfflineEchoCanceller.Process(far, mic, _dir["out.wav"], f => new DelayingProcessor(80, 1, 200), perSecond: seconds.Add);

        Assert.That(seconds.Select(s => s.TimeS), Is.EqualTo(new double[] { 0, 1, 2 }));
        Assert.That(seconds[0].DoubleTalk, Is.EqualTo(0.25).Within(1e-9));
        Assert.That(seconds[0].DelayMs, Is.EqualTo(100), "last frame of the first second");
        Assert.That(seconds[2].DelayMs, Is.EqualTo(210), "flush frames are not part of any second");
        Assert.That(result.Statistics!.Value.FramesProcessed, Is.EqualTo(result.ProcessedFrames));
    }

    [Test]
    public void Progress_EndsAtOne()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 48000);
        var values = new List<double>();

        OfflineEchoCanceller.Process(far, mic, _dir["out.wav"], new EchoCancellerOptions(), new SyncProgress(values.Add));

        Assert.That(values, Is.Not.Empty);
        Assert.That(values, Is.Ordered);
        Assert.That(values[^1], Is.EqualTo(1.0));
    }

    [Test]
    public void BerylCanceller_TakesRateAndChannelsFromTheFiles()
    {
        string far = TestAudio.Write(_dir["far.wav"], 32000, 2, 32000);
        string mic = TestAudio.Write(_dir["mic.wav"], 32000, 1, 40000);

        // The options say 16 kHz mono; the files win.
        var result = OfflineEchoCanceller.Process(far, mic, _dir["out.wav"], new EchoCancellerOptions { SampleRate = 16000, Mode = AecMode.Lite });

        Assert.That((result.SampleRate, result.RenderChannels, result.CaptureChannels), Is.EqualTo((32000, 2, 1)));
        Assert.That(TestAudio.Info(_dir["out.wav"]), Is.EqualTo((new WavFormat(32000, 1, WavSampleFormat.Pcm16), 40000L)));
    }

    [Test]
    public void CancellationMidway_RemovesTheTemporaryFile()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 160000);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p > 0.3)
                cts.Cancel();
        });

        Assert.Throws<OperationCanceledException>(() =>
            OfflineEchoCanceller.Process(far, mic, _dir["out.wav"], new EchoCancellerOptions(), progress, ct: cts.Token));
        Assert.That(File.Exists(_dir["out.wav"]), Is.False);
        Assert.That(_dir.TempFiles(), Is.Empty);
    }

    [Test]
    public void ProcessorThatThrows_LeavesNothingBehind()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);

        Assert.Throws<InvalidOperationException>(() =>
            OfflineEchoCanceller.Process(far, mic, _dir["out.wav"], f => new DelayingProcessor(123, 1, 0)));
        Assert.That(Directory.GetFiles(_dir.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "far.wav", "mic.wav" }));
    }

    [Test]
    public void ErrorsNameTheFile()
    {
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);
        var ex = Assert.Throws<OfflineProcessingException>(() =>
            OfflineEchoCanceller.Process(_dir["gone.wav"], mic, _dir["out.wav"], new EchoCancellerOptions()));
        Assert.That(ex!.Message, Does.Contain("gone.wav"));
        Assert.That(ex.Path, Is.EqualTo(_dir["gone.wav"]));
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
