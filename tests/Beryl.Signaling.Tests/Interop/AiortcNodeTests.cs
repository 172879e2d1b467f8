using Beryl.Media.Audio;
using Beryl.Media.Tests.Interop;
using Beryl.Signaling.Tests.Node;

namespace Beryl.Signaling.Tests.Interop;

/// <summary>aiortc, an independent WebRTC stack, calls the node's echo over both signaling forms and hears its chirp back.</summary>
[CancelAfter(90_000)]
public class AiortcNodeTests
{
    [TestCase("ws")]
    [TestCase("post")]
    public async Task Aiortc_calls_the_echo_node_and_hears_itself(string signaling)
    {
        AiortcProcess.RequireAiortc(websockets: signaling == "ws");
        // The chirp repeats every second, so one period later it is indistinguishable from its own echo, and the node's
        // canceller would rightly remove it: this test is about the two stacks meeting, so the node only echoes.
        await using var harness = await NodeHarness.StartAsync(new Media.Node.MediaNodeOptions { EchoCancellation = false });
        string record = Path.Combine(Path.GetTempPath(), $"beryl-aiortc-node-{Guid.NewGuid():N}.wav");
        string url = signaling == "ws" ? harness.Server.WebSocketUri.ToString() : new Uri(harness.Server.BaseAddress, "offer").ToString();
        try
        {
            await using (var aiortc = AiortcProcess.Start("offer", 5, record, $"--{signaling}", url))
            {
                await aiortc.ReceiveAsync("done", TimeSpan.FromSeconds(60));
            }
            Node.AudioTiming.AssumeNodeKeptTime(harness.Node, harness.Running);
            var channels = WavReader.ReadAllChannels(record, out var format);
            var resampler = new Media.Resampling.Resampler(format.SampleRate, InteropSignal.SampleRate, 1);
            var resampled = new float[resampler.MaxOutputFrames(channels[0].Length)];
            int frames = resampler.Process(channels[0], resampled);
            var received = resampled.Take(frames).Select(x => (short)Math.Clamp(x * 32768, short.MinValue, short.MaxValue)).ToArray();
            // Eighth-second windows over the second half of the call, once the echo flows: a stall on this busy machine
            // makes the node's jitter buffer time-stretch for a second or more, which blurs every window it touches.
            var (correlation, rms) = InteropSignal.Analyse(received.AsSpan(received.Length / 2), InteropSignal.SampleRate / 8, windows: 16);
            TestContext.Out.WriteLine($"aiortc over {signaling}: {format.SampleRate} Hz, correlation {correlation:0.00}, level {rms / InteropSignal.ReferenceRms:0.00} of the chirp's");
            Assert.That(correlation, Is.GreaterThan(0.8), "aiortc hears its own chirp back");
            Assert.That(rms / InteropSignal.ReferenceRms, Is.GreaterThan(0.2));
        }
        finally
        {
            File.Delete(record);
        }
    }
}
