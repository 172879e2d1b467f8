using Beryl.Media.Audio;
using Beryl.Media.Engine;
using Beryl.Media.Sdp;
using Beryl.Media.Tests.WebRtc;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Tests.Engine;

/// <summary>One end-to-end call between A and B, from connection to hang-up, and what came out of it.</summary>
internal sealed record CallRun(float[] ReceivedByB, AudioEngineStatistics A, AudioEngineStatistics B, RoomSimulatorStatistics RoomA)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Whether either side's audio threads ran more than 1% of their frames late (a stall of some 160 ms), starved by the
    /// machine. A stall sends the late packets to the far end in a burst, and its jitter buffer grows and time-stretches
    /// its playout, which the waveform measures do not survive: in a CI run with 45 late frames B's buffer ended at
    /// 385 ms (about 150 ms otherwise) and A's talker scored 4.6 dB SI-SDR against 12.2 dB, where calls with 0-6 late
    /// frames lose 0.3-2.8 dB.
    /// </summary>
    public bool Starved => new[] { A.LateCaptureFrames, A.LateRenderFrames, B.LateCaptureFrames, B.LateRenderFrames }.Max() > CallTalkers.CallFrames / 100;

    public enum Variant
    {
        CancellerOn,
        CancellerOff,
        NoEcho,
    }

    public static async Task<CallRun> RunAsync(SdpCodec codec, EchoCancellationInCallTests.Network network, CallTalkers talkers, Variant variant, int frames = 0)
    {
        var configuration = new RTCConfiguration { LoopbackOnly = true, AudioCodecs = [codec] };
        await using var a = new PeerHarness(configuration);
        await using var b = new PeerHarness(configuration);
        await PeerHarness.NegotiateWholeAsync(a.Connection, b.Connection, Timeout);
        await Task.WhenAll(a.WaitConnectedAsync(Timeout), b.WaitConnectedAsync(Timeout));

        var roomA = new RoomSimulator(new RoomSimulatorOptions
        {
            SampleRate = CallTalkers.SampleRate,
            Rt60Seconds = 0.3,
            Seed = 1,
            Delay = TimeSpan.FromMilliseconds(150),
            DriftPpm = 200,
            NearEnd = new WavFileSource(talkers.TalkerAFile),
        });
        var roomB = new RoomSimulator(new RoomSimulatorOptions
        {
            SampleRate = CallTalkers.SampleRate,
            Rt60Seconds = 0.2,
            Seed = 2,
            Delay = TimeSpan.FromMilliseconds(60),
            NearEnd = new WavFileSource(talkers.TalkerBFile),
        });
        var heardByB = new RecordingSink(CallTalkers.Format, CallTalkers.CallFrames * CallTalkers.SampleRate / 50);
        // With A's canceller off the two rooms close a feedback loop that only B's canceller damps: B hears its own
        // voice coming back and may howl or mute it. The reference run opens the loop at B (its speaker is not heard
        // by its microphone), so that what B receives is exactly the echo of A's room.
        var (microphoneB, speakerB) = variant == Variant.CancellerOff
            ? ((IAudioSource)new WavFileSource(talkers.TalkerBFile), (IAudioSink)new TeeSink(new NullSink(CallTalkers.Format), heardByB))
            : (roomB.Microphone, new TeeSink(roomB.Speaker, heardByB));
        // Without echo, A's microphone hears only A's talker and A's speaker plays into nothing.
        var (microphoneA, speakerA) = variant == Variant.NoEcho
            ? ((IAudioSource)new WavFileSource(talkers.TalkerAFile), (IAudioSink)new NullSink(CallTalkers.Format))
            : (roomA.Microphone, roomA.Speaker);

        bool lossy = network == EchoCancellationInCallTests.Network.Lossy;
        using var networkToA = lossy ? new ImpairedTransport(a.Connection, 0.05, TimeSpan.FromMilliseconds(30), seed: 5) : null;
        using var networkToB = lossy ? new ImpairedTransport(b.Connection, 0.05, TimeSpan.FromMilliseconds(30), seed: 6) : null;
        using var engineA = new AudioEngine((IAudioTransport?)networkToA ?? a.Connection, microphoneA, speakerA,
            new AudioEngineOptions { EchoCancellation = variant != Variant.CancellerOff });
        using var engineB = new AudioEngine((IAudioTransport?)networkToB ?? b.Connection, microphoneB, speakerB);
        engineA.Start();
        engineB.Start();
        await WaitForFramesAsync(frames > 0 ? frames : CallTalkers.CallFrames, engineA, engineB);
        engineA.Stop();
        engineB.Stop();
        return new CallRun(heardByB.Samples.ToArray(), engineA.GetStatistics(), engineB.GetStatistics(), roomA.Statistics);
    }

    private static async Task WaitForFramesAsync(long frames, params AudioEngine[] engines)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(frames / 100.0) * 3;
        while (engines.Any(e => e.GetStatistics().CapturedFrames < frames || e.GetStatistics().RenderedFrames < frames))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the audio threads fell far behind real time");
            await Task.Delay(50);
        }
    }
}
