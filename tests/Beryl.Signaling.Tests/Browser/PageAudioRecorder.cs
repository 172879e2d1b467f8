using System.Text.Json;
using Microsoft.Playwright;

namespace Beryl.Signaling.Tests.Browser;

/// <summary>
/// Records, inside the page, what the browser sends (its microphone track) and what it receives (the node's track)
/// side by side on one audio clock, so the round trip shows as a lag between two channels of one recording.
/// </summary>
internal static class PageAudioRecorder
{
    /// <summary>The recording rate: the node runs at 16 kHz, so nothing above 8 kHz comes back anyway.</summary>
    public const int SampleRate = 16000;

    // The AudioContext resamples both tracks to its rate; the promise resolves when the audio clock has run for the
    // asked time, so the wait is on the audio itself, not on a timer.
    private const string Script = """
        async ([seconds, rate]) => {
          const context = new AudioContext({ sampleRate: rate });
          await context.resume();
          const merger = context.createChannelMerger(2);
          context.createMediaStreamSource(window.beryl.localStream).connect(merger, 0, 0);
          context.createMediaStreamSource(window.beryl.remoteStream).connect(merger, 0, 1);
          const processor = context.createScriptProcessor(4096, 2, 1);
          merger.connect(processor);
          processor.connect(context.destination);
          const total = Math.round(seconds * rate);
          const sent = new Float32Array(total), received = new Float32Array(total);
          let filled = 0;
          await new Promise(resolve => {
            processor.onaudioprocess = event => {
              const n = Math.min(event.inputBuffer.length, total - filled);
              sent.set(event.inputBuffer.getChannelData(0).subarray(0, n), filled);
              received.set(event.inputBuffer.getChannelData(1).subarray(0, n), filled);
              filled += n;
              if (filled === total) resolve();
            };
          });
          processor.onaudioprocess = null;
          await context.close();
          return { sent: Array.from(sent), received: Array.from(received) };
        }
        """;

    /// <summary>Records <paramref name="seconds"/> of both tracks at <see cref="SampleRate"/>.</summary>
    public static async Task<(float[] Sent, float[] Received)> RecordAsync(IPage page, double seconds)
    {
        var result = await page.EvaluateAsync<JsonElement>(Script, new object[] { seconds, SampleRate });
        return (Read(result.GetProperty("sent")), Read(result.GetProperty("received")));
    }

    private static float[] Read(JsonElement array)
    {
        var samples = new float[array.GetArrayLength()];
        int i = 0;
        foreach (var sample in array.EnumerateArray())
            samples[i++] = sample.GetSingle();
        return samples;
    }
}
