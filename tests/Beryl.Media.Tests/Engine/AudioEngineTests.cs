using Beryl.Media.Audio;
using Beryl.Media.Codecs;
using Beryl.Media.Engine;
using Beryl.Media.Rtp;
using Beryl.Media.Sdp;
using Beryl.Media.Tests.Codecs;

namespace Beryl.Media.Tests.Engine;

/// <summary>The audio engine over a transport without a network: audio flows, hostile packets and faulty devices are contained.</summary>
public sealed class AudioEngineTests
{
    private static readonly AudioFormat Mono48k = new(48000, 1);

    [TestCase("PCMU")]
    [TestCase("opus")]
    public async Task Two_engines_carry_a_tone_each_way(string codecName)
    {
        var codec = codecName == "opus" ? SdpCodec.Opus : SdpCodec.Pcmu;
        if (codec == SdpCodec.Opus)
            CodecSignals.RequireOpus();
        var (transportA, transportB) = MemoryAudioTransport.Pair(codec);
        var heardByA = new RecordingSink(Mono48k, 48000 * 10);
        var heardByB = new RecordingSink(Mono48k, 48000 * 10);
        // A pure tone is no test of an echo canceller (there is no echo path here); the call-path tests cover that.
        var options = new AudioEngineOptions { EchoCancellation = false };
        using var a = new AudioEngine(transportA, new ToneSource(Mono48k, 700, 0.3f), heardByA, options);
        using var b = new AudioEngine(transportB, new ToneSource(Mono48k, 1100, 0.3f), heardByB, options);
        a.Start();
        b.Start();
        await WaitUntilAsync(() => a.GetStatistics().RenderedFrames >= 150 && b.GetStatistics().RenderedFrames >= 150);
        a.Stop();
        b.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(ToneShare(heardByB.Samples, 700), Is.GreaterThan(0.8), "A's tone at B");
            Assert.That(ToneShare(heardByA.Samples, 1100), Is.GreaterThan(0.8), "B's tone at A");
            Assert.That(a.GetStatistics().PacketsSent, Is.EqualTo(transportA.PacketsSent).And.GreaterThan(50));
            Assert.That(a.GetStatistics().FrameErrors + b.GetStatistics().FrameErrors, Is.Zero);
        });
    }

    [Test]
    public async Task Hostile_packets_are_dropped_or_concealed_and_the_audio_goes_on()
    {
        CodecSignals.RequireOpus();
        var (sender, receiver) = MemoryAudioTransport.Pair(SdpCodec.Opus);
        var heard = new RecordingSink(Mono48k, 48000 * 10);
        using var engine = new AudioEngine(receiver, new SilenceSource(Mono48k), heard);
        engine.Start();
        Assert.That(AudioCodecs.TryCreateEncoder(SdpCodec.Opus, new AudioCodecOptions(), out var encoder, out string? error), Is.True, error);
        using var _ = encoder;
        var tone = new ToneSource(encoder!.Format, 700, 0.3f);
        var pcm = new float[encoder.FrameSize * encoder.Format.Channels];
        var payload = new byte[1500];
        var junk = new Random(3);
        ushort sequence = 65000;
        uint timestamp = 1000;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (int packet = 0; packet < 150; packet++)
        {
            await timer.WaitForNextTickAsync();
            tone.Read(pcm);
            int length = encoder.Encode(pcm, payload);
            if (packet == 60)
            {
                // The sender restarts: new sequence and timestamp bases.
                sequence = 7;
                timestamp = 3_000_000_000;
            }
            var header = new RtpHeader(111, sequence++, timestamp, 0x1234, false);
            timestamp += encoder.TimestampIncrement;
            if (packet % 10 == 3)
            {
                junk.NextBytes(payload.AsSpan(0, 40));
                sender.SendRaw(header, payload.AsSpan(0, 40));            // corrupt Opus
                continue;
            }
            sender.SendRaw(header, payload.AsSpan(0, length));
            sender.SendRaw(new RtpHeader(101, header.SequenceNumber, header.Timestamp, 0x1234), payload.AsSpan(0, 4));        // telephone-event: not audio
            sender.SendRaw(new RtpHeader(111, header.SequenceNumber, header.Timestamp, 0x9999), payload.AsSpan(0, length));  // a stranger
            if (packet % 25 == 7)
                sender.SendRaw(new RtpHeader(111, header.SequenceNumber, header.Timestamp + 480_000, 0x1234), payload.AsSpan(0, length)); // a stray jump // a jump
            sender.SendRaw(header, new byte[1400]);                                          // a duplicate sequence, junk
        }
        await WaitUntilAsync(() => engine.GetStatistics().RenderedFrames >= 300);
        engine.Stop();

        var statistics = engine.GetStatistics();
        var tail = heard.Samples[^48000..].ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(statistics.FrameErrors, Is.Zero, statistics.LastError);
            Assert.That(statistics.JitterBuffer.Dropped, Is.GreaterThan(100), "wrong payload types and the stranger");
            Assert.That(statistics.JitterBuffer.ConcealedFrames, Is.GreaterThan(0), "the corrupt packets");
            Assert.That(ToneShare(tail, 700), Is.GreaterThan(0.6), "the tone still plays after the restart");
        });
    }

    [Test]
    public void Start_needs_a_negotiated_audio_codec()
    {
        using var none = new AudioEngine(new MemoryAudioTransport(null, 1), new SilenceSource(Mono48k), new NullSink(Mono48k));
        Assert.That(() => none.Start(), Throws.InvalidOperationException.With.Message.Contains("negotiated"));
        using var dtmf = new AudioEngine(new MemoryAudioTransport(SdpCodec.TelephoneEvent8000, 1), new SilenceSource(Mono48k), new NullSink(Mono48k));
        Assert.That(() => dtmf.Start(), Throws.InvalidOperationException.With.Message.Contains("telephone-event"));
        Assert.That(() => new AudioEngine(new MemoryAudioTransport(SdpCodec.Pcmu, 1), new SilenceSource(new AudioFormat(44123, 1)), new NullSink(Mono48k)),
            Throws.ArgumentException);
    }

    [Test]
    public async Task A_failing_speaker_is_counted_and_the_call_goes_on()
    {
        var (transportA, transportB) = MemoryAudioTransport.Pair(SdpCodec.Pcmu);
        using var a = new AudioEngine(transportA, new ToneSource(Mono48k, 700, 0.3f), new FailingSink(Mono48k));
        using var b = new AudioEngine(transportB, new SilenceSource(Mono48k), new NullSink(Mono48k));
        a.Start();
        b.Start();
        await WaitUntilAsync(() => a.GetStatistics() is { RenderedFrames: >= 50, CapturedFrames: >= 50 } && b.GetStatistics().JitterBuffer.PacketsReceived >= 20);
        a.Stop();
        b.Stop();
        var statistics = a.GetStatistics();
        Assert.That(statistics.FrameErrors, Is.GreaterThanOrEqualTo(50));
        Assert.That(statistics.LastError, Does.Contain("speaker unplugged"));
        Assert.That(statistics.CapturedFrames, Is.GreaterThanOrEqualTo(50), "the capture thread carries on");
    }

    [Test]
    public async Task A_microphone_that_ends_is_reported_and_silence_is_sent()
    {
        string file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "engine-short.wav");
        WavWriter.WriteAll(file, 48000, [Enumerable.Range(0, 4800).Select(i => 0.3f * MathF.Sin(i * 0.1f)).ToArray()]);
        var (transportA, transportB) = MemoryAudioTransport.Pair(SdpCodec.Pcmu);
        using var source = new WavFileSource(file);
        using var a = new AudioEngine(transportA, source, new NullSink(Mono48k));
        a.Start();
        await WaitUntilAsync(() => a.GetStatistics().CapturedFrames >= 60);
        a.Stop();
        Assert.That(a.GetStatistics().MicrophoneEnded, Is.True);
        Assert.That(a.GetStatistics().PacketsSent, Is.GreaterThanOrEqualTo(29), "packets keep flowing after the end");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// The share of the signal's energy at <paramref name="frequency"/>, averaged over 100 ms windows (Goertzel) so that
    /// the phase jumps of time stretching do not count against it; silent windows are left out.
    /// </summary>
    private static double ToneShare(ReadOnlySpan<float> x, double frequency)
    {
        const int window = 4800;
        double w = 2 * Math.PI * frequency / 48000, coefficient = 2 * Math.Cos(w);
        double shares = 0;
        int windows = 0;
        for (int start = 0; start + window <= x.Length; start += window)
        {
            double s1 = 0, s2 = 0, energy = 0;
            foreach (float v in x.Slice(start, window))
            {
                double s0 = v + coefficient * s1 - s2;
                s2 = s1;
                s1 = s0;
                energy += v * v;
            }
            if (energy < 1e-6 * window)
                continue;
            shares += 2 * (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / window / energy;
            windows++;
        }
        return windows == 0 ? 0 : shares / windows;
    }

    private sealed class FailingSink(AudioFormat format) : IAudioSink
    {
        public AudioFormat Format => format;

        public void Write(ReadOnlySpan<float> interleaved) => throw new IOException("speaker unplugged");
    }
}
