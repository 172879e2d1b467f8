using System.Text.Json.Nodes;
using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Synthesis;

namespace Beryl.TestVectors;

/// <summary>
/// The acoustic paths of a scenario, each peak-normalised: echo paths (capture-major, mic * render + speaker),
/// echo paths after an echo path change, and near-end talker-to-mic paths; plus their description for meta.json.
/// </summary>
internal sealed record EchoPaths(double[][] Echo, double[][]? EchoAfterChange, double[][] Near, JsonObject Info, JsonObject? ChangeInfo,
    double DirectPathMs, RoomLayout Layout)
{
    public static EchoPaths Build(ScenarioSpec spec, CorpusLibrary? corpus, DeterministicRandom rng, ISet<string> sourcesUsed)
    {
        int sr = spec.SampleRate, cap = spec.CaptureChannels, ren = spec.RenderChannels;
        var layout = RoomLayout.Create(spec.Room, ren, cap, rng.Fork("layout"));
        string? measured = spec.CorpusRir != null && cap == 1 && ren == 1 && corpus != null
            ? corpus.RirFiles.FirstOrDefault(f => Path.GetFileName(f) == spec.CorpusRir) : null;
        double[][] echo;
        JsonObject echoInfo;
        double rt60 = spec.Rt60S;
        double directMs;
        string id;
        if (measured != null)
        {
            var raw = corpus!.Read(measured, out int rate);
            var h = RoomImpulseResponse.PrepareMeasured(raw[0], rate, sr);
            sourcesUsed.Add("corpus:" + measured);
            double est = RoomImpulseResponse.EstimateRt60(h, sr);
            if (double.IsFinite(est)) rt60 = Math.Clamp(est, 0.1, 2.0);
            echo = [h];
            directMs = 1.0;
            id = "real:" + Path.GetFileNameWithoutExtension(measured);
            echoInfo = new JsonObject
            {
                ["kind"] = "real",
                ["file"] = measured,
                ["length_s"] = Math.Round((double)h.Length / sr, 3),
                ["rt60_est_s"] = Math.Round(est, 3),
                ["processing"] = "high-pass 30 Hz, resampled, pre-delay removed (1 ms kept), truncated at noise floor + 6 dB, 20 ms fade, peak-normalised",
            };
        }
        else
        {
            echo = SynthesizePaths(layout, rt60, sr, rng.Fork("echo_rir"));
            directMs = Math.Round(layout.Speakers.Min(s => layout.Mics.Min(m => s.DistanceTo(m))) / RoomImpulseResponse.SpeedOfSound * 1000, 2);
            id = $"synth:{spec.Room.ToJsonName()}#{spec.Seed}";
            echoInfo = Describe(layout, rt60, echo, sr);
        }
        double[][]? after = null;
        JsonObject? changeInfo = null;
        if (spec.EchoPathChangeS is double change)
        {
            var moved = layout.MoveDevice(rng.Fork("move"));
            after = SynthesizePaths(moved, rt60, sr, rng.Fork("echo_rir_after"));
            if (measured != null)
            {
                // keep the measured path's character: the new path is a synthetic one in an equivalent room
                echoInfo["note"] = "path after the change is synthetic";
            }
            changeInfo = new JsonObject
            {
                ["kind"] = "move",
                ["time_s"] = change,
                ["transition_s"] = EchoRenderer.PathChangeFadeS,
                ["new_path"] = new JsonObject
                {
                    ["id"] = $"synth:{spec.Room.ToJsonName()}#{spec.Seed}+moved",
                    ["echo"] = Describe(moved, rt60, after, sr),
                },
            };
        }
        var nearRng = rng.Fork("near_rir");
        var near = layout.Mics.Select(m => RoomImpulseResponse.Synthesize(layout.Room, layout.Talker, m, rt60, sr, nearRng)).ToArray();
        var info = new JsonObject
        {
            ["id"] = id,
            ["echo"] = echoInfo,
            ["direct_path_ms"] = directMs,
            ["near"] = new JsonObject
            {
                ["kind"] = "synth",
                ["talker_to_mic_m"] = new JsonArray(layout.Mics.Select(m => (JsonNode?)Math.Round(layout.Talker.DistanceTo(m), 2)).ToArray()),
                ["rt60_est_s"] = new JsonArray(near.Select(h => (JsonNode?)Math.Round(RoomImpulseResponse.EstimateRt60(h, sr), 3)).ToArray()),
            },
        };
        return new EchoPaths(echo, after, near, info, changeInfo, directMs, layout);
    }

    private static double[][] SynthesizePaths(RoomLayout layout, double rt60, int sr, DeterministicRandom rng)
    {
        var list = new List<double[]>();
        foreach (var mic in layout.Mics)
            foreach (var spk in layout.Speakers)
                list.Add(RoomImpulseResponse.Synthesize(layout.Room, spk, mic, rt60, sr, rng, layout.SpeakerHighPassHz));
        return list.ToArray();
    }

    private static JsonObject Describe(RoomLayout layout, double rt60, double[][] paths, int sr)
    {
        int ren = layout.Speakers.Count;
        JsonArray Matrix(Func<int, int, double> f) => new(layout.Mics.Select((_, m) =>
            (JsonNode?)new JsonArray(Enumerable.Range(0, ren).Select(s => (JsonNode?)f(m, s)).ToArray())).ToArray());
        return new JsonObject
        {
            ["kind"] = "synth",
            ["preset"] = layout.Preset.ToJsonName(),
            ["room_m"] = new JsonArray(Math.Round(layout.Room.Lx, 2), Math.Round(layout.Room.Ly, 2), Math.Round(layout.Room.Lz, 2)),
            ["rt60_target_s"] = Math.Round(rt60, 3),
            ["rt60_est_s"] = Matrix((m, s) => Math.Round(RoomImpulseResponse.EstimateRt60(paths[m * ren + s], sr), 3)),
            ["spk_to_mic_m"] = Matrix((m, s) => Math.Round(layout.Speakers[s].DistanceTo(layout.Mics[m]), 3)),
            ["spk_hpf_hz"] = layout.SpeakerHighPassHz,
            ["length_s"] = Math.Round((double)paths.Max(p => p.Length) / sr, 3),
        };
    }
}
