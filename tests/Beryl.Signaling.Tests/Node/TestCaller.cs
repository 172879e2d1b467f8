using Beryl.Media.Audio;
using Beryl.Media.Engine;
using Beryl.Media.WebRtc;
using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Synthesis;

namespace Beryl.Signaling.Tests.Node;

/// <summary>
/// A Beryl caller in the test process: a loopback peer connection, WebSocket signaling, and an engine (its own echo
/// canceller off) that talks from a source and records what it hears.
/// </summary>
internal sealed class TestCaller : IAsyncDisposable
{
    public const int SampleRate = 48000;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    private TestCaller(RTCPeerConnection peer, SignalingClient signaling, AudioEngine engine, RecordingSink heard)
    {
        Peer = peer;
        Signaling = signaling;
        Engine = engine;
        Heard = heard;
    }

    public RTCPeerConnection Peer { get; }

    public SignalingClient Signaling { get; }

    public AudioEngine Engine { get; }

    /// <summary>What the caller's loudspeaker played.</summary>
    public RecordingSink Heard { get; }

    public long PacketsReceived => Peer.GetStatistics().Audio.PacketsReceived;

    public static async Task<TestCaller> CallAsync(Uri signalingUri, IAudioSource microphone)
    {
        var peer = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        var signaling = await SignalingClient.ConnectAsync(signalingUri);
        await signaling.CallAsync(peer);
        if (!await NodeHarness.EventuallyAsync(() => peer.connectionState == RTCPeerConnectionState.connected, ConnectTimeout))
            Assert.Fail($"the call did not connect: {peer.connectionState}");
        var heard = new RecordingSink(new AudioFormat(SampleRate, 1), SampleRate * 60);
        var engine = new AudioEngine(peer, microphone, heard, new AudioEngineOptions { EchoCancellation = false });
        engine.Start();
        return new TestCaller(peer, signaling, engine, heard);
    }

    /// <summary>Waits until this many more packets have come from the node.</summary>
    public async Task ReceiveMorePacketsAsync(int packets, double timeoutSeconds = 20)
    {
        long target = PacketsReceived + packets;
        Assert.That(await NodeHarness.EventuallyAsync(() => PacketsReceived >= target, TimeSpan.FromSeconds(timeoutSeconds)), Is.True,
            $"the caller received {PacketsReceived} packets, not {target}");
    }

    /// <summary>A talker that speaks for ever (a looped synthetic voice) at about -26 dBFS.</summary>
    public static IAudioSource Talker(int seed, string directory)
    {
        string path = Path.Combine(directory, $"talker-{seed}.wav");
        WavWriter.WriteAll(path, SampleRate, [Speech(seed)], WavSampleFormat.Float32);
        return new WavFileSource(path, loop: true);
    }

    /// <summary>What <see cref="Talker"/> says over <paramref name="length"/> samples.</summary>
    public static float[] Said(int seed, int length)
    {
        var speech = Speech(seed);
        var said = new float[length];
        for (int i = 0; i < length; i++)
            said[i] = speech[i % speech.Length];
        return said;
    }

    private static float[] Speech(int seed)
    {
        var voice = new SpeechSynthesizer(seed % 2 == 0 ? TalkerVoice.Female : TalkerVoice.MaleMid, SampleRate, new DeterministicRandom(seed, "node-talker"));
        var speech = voice.Talk(SampleRate * 8);
        double rms = Math.Sqrt(speech.Select(x => (double)x * x).Average());
        for (int i = 0; i < speech.Length; i++)
            speech[i] = (float)(speech[i] * 0.05 / rms);
        return speech;
    }

    /// <summary>
    /// How well the 10 ms level envelope of <paramref name="heard"/> follows that of <paramref name="said"/>, delayed up
    /// to a second: near 1 when one is the other delayed, near 0 for unrelated talk. Jitter buffers stretch and shorten
    /// time, so each 2 s window finds its own lag; the result is the median window's peak normalised correlation.
    /// </summary>
    public static double EnvelopeCorrelation(ReadOnlySpan<float> heard, ReadOnlySpan<float> said)
    {
        const int window = 200, maxLag = 100;
        var a = Envelope(heard);
        var b = Envelope(said);
        var scores = new List<double>();
        for (int start = 0; start + window + maxLag <= a.Length && start + window <= b.Length; start += window)
        {
            double best = 0;
            for (int lag = 0; lag <= maxLag; lag++)
                best = Math.Max(best, Correlation(a.AsSpan(start + lag, window), b.AsSpan(start, window)));
            scores.Add(best);
        }
        Assert.That(scores, Is.Not.Empty, "too little audio to compare");
        scores.Sort();
        return scores[scores.Count / 2];
    }

    /// <summary>
    /// <see cref="EnvelopeCorrelation"/> against the talker of <paramref name="seed"/> started anywhere in its loop: for
    /// audio that reached the caller from a talker who began before the caller listened (a bridge partner, a played file).
    /// </summary>
    public static double CorrelationFromAnyStart(float[] heard, int seed)
    {
        int loop = SampleRate * 8;
        var said = Said(seed, heard.Length + loop);
        double best = 0;
        for (int offset = 0; offset < loop; offset += SampleRate / 4)
            best = Math.Max(best, EnvelopeCorrelation(heard, said.AsSpan(offset, heard.Length)));
        return best;
    }

    public static double LevelDb(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (float x in samples)
            sum += (double)x * x;
        return 10 * Math.Log10(sum / Math.Max(samples.Length, 1) + 1e-20);
    }

    private static double[] Envelope(ReadOnlySpan<float> x)
    {
        int frame = SampleRate / 100;
        var envelope = new double[x.Length / frame];
        for (int f = 0; f < envelope.Length; f++)
            envelope[f] = Math.Sqrt(LevelPower(x.Slice(f * frame, frame)));
        return envelope;
    }

    private static double LevelPower(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
            sum += (double)v * v;
        return sum / x.Length;
    }

    private static double Correlation(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.Length;
        mb /= b.Length;
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.Sqrt(aa * bb + 1e-20);
    }

    public async ValueTask DisposeAsync()
    {
        Engine.Dispose();
        await Signaling.DisposeAsync();
        await Peer.DisposeAsync();
    }
}
