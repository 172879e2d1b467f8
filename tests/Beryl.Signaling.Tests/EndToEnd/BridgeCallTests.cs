using System.Globalization;
using System.Text.Json;
using Beryl.Media.Audio;
using Beryl.Signaling.Tests.Node;
using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Metrics;
using Beryl.TestVectors.Synthesis;

namespace Beryl.Signaling.Tests.EndToEnd;

/// <summary>
/// Two <c>beryl call</c> processes, each in a simulated room with its own canceller off (a phone without echo
/// cancellation), talk through <c>beryl listen --mode bridge --aec full</c>. The call must carry each talker to the
/// other through a canceller on each leg, and each leg's cancellation must remove 20 dB of the echo each room sends back
/// while each caller still hears the other. CI prints the figures.
/// </summary>
[CancelAfter(150_000)]
public class BridgeCallTests
{
    private const int Rate = 48000;
    private const double CallSeconds = 33;
    // B talks alone from 3 to 13 s (leg A's far-end single talk), A alone from 16 to 24 s (leg B's), both from 27 to 31 s.
    // Nobody talks in the first 3 s, while the jitter buffers settle.
    private static readonly (double From, double To)[] TalkA = [(16, 24), (27, 31)];
    private static readonly (double From, double To)[] TalkB = [(3, 13), (27, 31)];
    private const double MinimumErleDb = 20;

    private string _directory = "";
    private Leg[] _legs = [];
    private float[] _heardByA = [], _heardByB = [];
    private (string Path, float[] Speech) _talkerA, _talkerB;
    private double? _aHearsBAlone, _bHearsAAlone;

    // One call serves every test here: it takes 45 s.
    [OneTimeSetUp]
    public async Task RunTheBridgeCallAsync()
    {
        _directory = Directory.CreateTempSubdirectory("beryl-bridge-").FullName;
        _talkerA = Talker(TalkA, 21, TalkerVoice.Female, "a.wav");
        _talkerB = Talker(TalkB, 22, TalkerVoice.MaleMid, "b.wav");
        string record = Path.Combine(_directory, "node");

        using var node = BerylProcess.Start("listen", "listen", "--port", "0", "--mode", "bridge", "--aec", "full", "--record", record);
        string listening = await node.WaitForLineAsync("listening on", TimeSpan.FromSeconds(30));
        string url = listening.Split(' ').Single(word => word.StartsWith("ws://", StringComparison.Ordinal)).TrimEnd(',', ')');

        using var callerA = Caller("A", url, _talkerA.Path, delayMs: 120, seed: 1);
        using var callerB = Caller("B", url, _talkerB.Path, delayMs: 80, seed: 2);
        Assert.That(await callerA.WaitForExitAsync(TimeSpan.FromSeconds(90)), Is.Zero, callerA.Output);
        Assert.That(await callerB.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, callerB.Output);
        TestContext.Out.WriteLine(callerA.Output);
        TestContext.Out.WriteLine(callerB.Output);
        // The callers hung up: the node finishes both recordings, then shuts down on Ctrl+C.
        Assert.That(await NodeHarness.EventuallyAsync(() => Directory.Exists(record) && Directory.GetFiles(record, "call.json", SearchOption.AllDirectories).Length == 2, TimeSpan.FromSeconds(20)),
            Is.True, node.Output);
        node.Interrupt();
        Assert.That(await node.WaitForExitAsync(TimeSpan.FromSeconds(20)), Is.Zero, node.Output);

        _legs = Directory.GetDirectories(record).Select(folder => Leg.Load(folder, _talkerA.Speech, _talkerB.Speech)).ToArray();
        _heardByA = WavReader.ReadAllChannels(Path.Combine(_directory, "heard-A.wav"), out _)[0];
        _heardByB = WavReader.ReadAllChannels(Path.Combine(_directory, "heard-B.wav"), out _)[0];
        _aHearsBAlone = AlignedSiSdr.MedianDb(_heardByA, _talkerB.Speech, Rate, TalkB[0].From + 0.5, TalkB[0].To - 0.5, maxLagSeconds: 4);
        _bHearsAAlone = AlignedSiSdr.MedianDb(_heardByB, _talkerA.Speech, Rate, TalkA[0].From + 0.5, TalkA[0].To - 0.5, maxLagSeconds: 4);
        double? aHearsBDoubleTalk = AlignedSiSdr.MedianDb(_heardByA, _talkerB.Speech, Rate, TalkB[1].From + 0.5, TalkB[1].To - 0.5, maxLagSeconds: 4);
        double? bHearsADoubleTalk = AlignedSiSdr.MedianDb(_heardByB, _talkerA.Speech, Rate, TalkA[1].From + 0.5, TalkA[1].To - 0.5, maxLagSeconds: 4);

        string figures = string.Create(CultureInfo.InvariantCulture,
            $"bridge through the node (Opus, node AEC full, callers' AEC off): " +
            $"leg ERLE in far-end single talk {string.Join(" and ", _legs.Select(l => $"{l.ErleDb:0.0} dB (echo delay {l.DelayMs:0} ms)"))}; " +
            $"the caller's own talk through its leg's canceller, SI-SDR {string.Join(" and ", _legs.Select(l => $"{l.NearEndReceivedDb:0.0} -> {l.NearEndCleanedDb:0.0} dB"))}; " +
            $"talker SI-SDR at the other caller, alone A->B {_bHearsAAlone:0.0} dB and B->A {_aHearsBAlone:0.0} dB, in double talk A->B {bHearsADoubleTalk:0.0} dB and B->A {aHearsBDoubleTalk:0.0} dB");
        TestContext.Out.WriteLine(figures);
        File.AppendAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "e2e-call-figures.txt"), figures + Environment.NewLine);
    }

    // A failed run keeps its recordings for a look.
    [OneTimeTearDown]
    public void DeleteDirectory()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed)
            Directory.Delete(_directory, recursive: true);
        else
            TestContext.Out.WriteLine($"recordings kept in {_directory}");
    }

    [Test]
    public void The_bridge_carries_each_talker_to_the_other_with_a_canceller_on_each_leg()
    {
        Assert.That(_legs, Has.Length.EqualTo(2), "one recorded leg per caller");
        Assert.Multiple(() =>
        {
            foreach (var leg in _legs)
            {
                Assert.That(leg.CancellerFrames, Is.GreaterThan(2000), $"leg {leg.Name} ran its canceller through the call");
                Assert.That(leg.ErleDb, Is.GreaterThan(-2), $"leg {leg.Name}'s canceller adds no echo");
                // What the caller says passes the canceller nearly untouched: 0 to 3.2 dB of SI-SDR lost over 40 recorded legs.
                // The worst case is a starved run in which neither leg's canceller finds its echo, so that each leg's render
                // carries its own caller's voice back from the other room: 4.2 dB was lost on such a leg in a CI run.
                Assert.That(leg.NearEndCleanedDb, Is.GreaterThan(leg.NearEndReceivedDb - 5), $"leg {leg.Name}'s canceller keeps its caller's talk");
            }
            Assert.That(LevelDb(_heardByA, TalkB[0]), Is.GreaterThan(-45), "A hears B talk");
            Assert.That(LevelDb(_heardByB, TalkA[0]), Is.GreaterThan(-45), "B hears A talk");
        });
    }

    // The machine this runs on freezes for 30-230 ms a few times a minute, every process at once; each caller's jitter
    // buffer waits out the late burst once and keeps the delay it gained (StallHoldMs), so that its echo moves once
    // rather than a pitch period at a time for seconds: 25-36 dB on both legs in 19 runs of 20 (14.9 dB on one leg in
    // the other), against 6 to 9 runs in 10 when the buffers played the wait back down.
    [Test]
    public void The_nodes_cancellation_removes_each_callers_echo_and_keeps_the_other_talker()
    {
        Assert.Multiple(() =>
        {
            foreach (var leg in _legs)
                Assert.That(leg.ErleDb, Is.GreaterThanOrEqualTo(MinimumErleDb), $"echo removed on leg {leg.Name}");
            // Two Opus passes and two jitter buffers leave B->A at 2-4.5 dB and A->B at 5-8 dB although each canceller
            // costs its talker 0-3 dB (checked above): the talker must dominate what the other hears, echo and all.
            Assert.That(_aHearsBAlone, Is.GreaterThan(0), "A hears B over what is left of the echo");
            Assert.That(_bHearsAAlone, Is.GreaterThan(0), "B hears A over what is left of the echo");
        });
    }

    // The level of what a caller heard over the other's talk, give or take the call's delay.
    private static double LevelDb(float[] heard, (double From, double To) talk)
    {
        int from = (int)((talk.From + 1) * Rate), to = Math.Min((int)((talk.To - 1) * Rate), heard.Length);
        return TestCaller.LevelDb(heard.AsSpan(from, Math.Max(to - from, 0)));
    }

    private BerylProcess Caller(string name, string url, string talker, int delayMs, int seed) =>
        BerylProcess.Start($"call {name}", "call", url,
            "--mic", string.Create(CultureInfo.InvariantCulture, $"room:near={talker},delay={delayMs},echo=-10,rt60=0.25,noise=-65,seed={seed}"),
            "--aec", "off", "--seconds", CallSeconds.ToString(CultureInfo.InvariantCulture),
            "--record", Path.Combine(_directory, $"heard-{name}.wav"));

    private (string Path, float[] Speech) Talker((double From, double To)[] talk, int seed, TalkerVoice voice, string file)
    {
        var speech = new float[(int)(CallSeconds * Rate)];
        var synthesizer = new SpeechSynthesizer(voice, Rate, new DeterministicRandom(seed, file));
        foreach (var (from, to) in talk)
        {
            var spoken = synthesizer.Talk((int)((to - from) * Rate));
            double rms = Math.Sqrt(spoken.Select(x => (double)x * x).Where(p => p > 1e-8).DefaultIfEmpty(1e-8).Average());
            for (int i = 0; i < spoken.Length; i++)
                speech[(int)(from * Rate) + i] = (float)(spoken[i] * 0.05 / rms);
        }
        string path = Path.Combine(_directory, file);
        WavWriter.WriteAll(path, Rate, [speech], WavSampleFormat.Float32);
        return (path, speech);
    }

    /// <summary>
    /// One leg's recording at the node, scored in the far-end single talk that leg renders: the leg whose render is
    /// louder while B talks alone is A's (B is its far end), the other is B's. The canceller has the first 4.5 s of
    /// that talk to converge (a caller's jitter buffer settles in the first seconds of a call and moves the echo). The
    /// caller's own talk is scored in its single talk, as the node received it and after the canceller.
    /// </summary>
    private sealed record Leg(string Name, double ErleDb, double DelayMs, long CancellerFrames, double NearEndReceivedDb, double NearEndCleanedDb)
    {
        private const double ConvergenceSeconds = 4.5;

        public static Leg Load(string folder, float[] speechA, float[] speechB)
        {
            var received = WavReader.ReadAllChannels(Path.Combine(folder, "received.wav"), out var format)[0];
            var cleaned = WavReader.ReadAllChannels(Path.Combine(folder, "cleaned.wav"), out _)[0];
            var render = WavReader.ReadAllChannels(Path.Combine(folder, "render.wav"), out _)[0];
            int rate = format.SampleRate;
            bool legA = Power(render, rate, TalkB[0]) > Power(render, rate, TalkA[0]);
            var (from, to) = legA ? TalkB[0] : TalkA[0];
            var scored = (from + ConvergenceSeconds, to - 0.5);
            Assert.That(scored.Item2 * rate, Is.LessThanOrEqualTo(received.Length), $"{folder}: the recording is too short");
            double erle = 10 * Math.Log10(Power(received, rate, scored) / Math.Max(Power(cleaned, rate, scored), 1e-15));
            var (nearFrom, nearTo) = legA ? TalkA[0] : TalkB[0];
            var speech = Resample(legA ? speechA : speechB, Rate, rate);
            double NearEndDb(float[] signal) =>
                AlignedSiSdr.MedianDb(signal, speech, rate, nearFrom + 0.5, nearTo - 0.5, maxLagSeconds: 4) ?? double.NegativeInfinity;
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "call.json")));
            var canceller = json.RootElement.GetProperty("echoCanceller");
            return new Leg(Path.GetFileName(folder), erle, canceller.GetProperty("delayMs").GetDouble(), canceller.GetProperty("framesProcessed").GetInt64(),
                NearEndDb(received), NearEndDb(cleaned));
        }

        private static float[] Resample(float[] x, int from, int to)
        {
            var resampler = new Media.Resampling.Resampler(from, to, 1);
            var resampled = new float[resampler.MaxOutputFrames(x.Length)];
            return resampled[..resampler.Process(x, resampled)];
        }

        private static double Power(float[] x, int rate, (double From, double To) seconds)
        {
            int from = (int)(seconds.From * rate), to = Math.Min((int)(seconds.To * rate), x.Length);
            double sum = 0;
            for (int i = from; i < to; i++)
                sum += (double)x[i] * x[i];
            return sum / Math.Max(to - from, 1);
        }
    }
}
