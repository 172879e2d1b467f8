using System.Text.Json.Nodes;
using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors;

/// <summary>Assembles the full meta.json of a generated scenario.</summary>
internal static class ScenarioMetaBuilder
{
    /// <summary>The final (quantised) signals, for the measured levels.</summary>
    public sealed record Levels(float[][] Far, float[][] Echo, float[][] Near, float[][]? Noise, float[][] Mic, double GlobalGainDb);

    public static JsonObject Build(ScenarioSpec spec, ScenarioMeta meta, IReadOnlyList<PlannedTalk> plan, EchoPaths paths,
        JsonObject farInfo, ITalkSource[] farTalkers, ITalkSource nearTalker, JsonObject? noiseInfo, IEnumerable<string> used,
        Loudspeaker.Stats? nl, Levels levels)
    {
        int sr = spec.SampleRate;
        var o = meta.ToJsonObject();
        o["rir"] = (string?)paths.Info["id"];
        o["schedule_mic_time"] = new JsonArray(plan.Select(p => (JsonNode?)new JsonObject
        {
            ["label"] = p.Label.ToJsonName(),
            ["start_s"] = p.StartS,
            ["end_s"] = p.EndS,
        }).ToArray());
        o["nonlinearity_params"] = spec.Nonlinearity == Nonlinearity.None ? null : new JsonObject
        {
            ["type"] = spec.Nonlinearity.ToJsonName(),
            ["level_db"] = spec.EffectiveNonlinearityLevelDb,
        };
        o["rir_info"] = paths.Info;
        o["echo_path_change"] = paths.ChangeInfo;
        o["far_source"] = farInfo;
        o["near_talkers"] = new JsonArray(nearTalker.Id);
        o["noise_source"] = noiseInfo;
        o["sources_used"] = new JsonArray(used.Select(u => (JsonNode?)u).ToArray());
        o["levels_target"] = new JsonObject
        {
            ["far_level_db"] = spec.FarLevelDbfs,
            ["echo_active_dbfs"] = spec.MicLevelDbfs - spec.SerDb / 2,
            ["near_active_dbfs"] = spec.MicLevelDbfs + spec.SerDb / 2,
        };
        double farA = SignalLevels.ActiveLevelDbfs(levels.Far, sr);
        double echoA = SignalLevels.ActiveLevelDbfs(levels.Echo, sr);
        double nearA = SignalLevels.ActiveLevelDbfs(levels.Near, sr);
        var measured = new JsonObject
        {
            ["far_active_dbfs"] = R(farA),
            ["echo_active_dbfs"] = R(echoA),
            ["near_active_dbfs"] = R(nearA),
            ["ser_db"] = R(nearA - echoA),
            ["erl_db"] = R(farA - echoA),
            ["mic_peak_dbfs"] = R(20 * Math.Log10(Math.Max(1e-10, SignalLevels.Peak(levels.Mic)))),
            ["global_gain_db"] = R(levels.GlobalGainDb),
        };
        if (levels.Noise != null)
        {
            double n = SignalLevels.RmsDbfs(levels.Noise);
            measured["noise_rms_dbfs"] = R(n);
            measured["snr_db"] = R(nearA - n);
        }
        if (nl != null)
        {
            measured["nl_far_samples_above_level_fraction"] = Math.Round(nl.FractionAboveLevel, 5);
            measured["nl_linear_fit_sdr_db"] = R(nl.LinearFitSdrDb);
        }
        o["measured"] = measured;
        o["conventions"] = new JsonObject
        {
            ["delay_ms"] = "bulk delay between the render reference and the echo, on top of the acoustic delay of the echo path (rir_info.direct_path_ms); negative = echo leads the reference",
            ["drift_ppm"] = "capture clock = render clock * (1 + drift_ppm*1e-6); echo[n] = y(n/(1+drift) - delay), y = echo_rir * NL(far) on the render clock",
            ["ser_db"] = "near-end active level minus echo active level in the mic (active = 10 ms frames within 30 dB of the loudest); measured.ser_db after quantisation",
            ["snr_db"] = "near-end active level minus noise RMS (whole file)",
            ["segments"] = "derived from the actual echo and near components in the mic (10 ms frames within 30 dB of the component's active level, 0.3 s hang-over, segments < 0.5 s merged into the longer neighbour whose state includes theirs, e.g. silence into anything, single talk into double talk; other short segments are kept)",
            ["mic"] = "mic.wav == echo.wav + near.wav + noise.wav exactly, as int16 sample values",
            ["echo_rir"] = "float32 WAV, columns ordered capture-major: [mic0<-spk0, mic0<-spk1, mic1<-spk0, mic1<-spk1]; includes the echo gain; excludes the bulk delay",
            ["rir_ms"] = "length of the echo path in ms",
        };
        o["generator"] = new JsonObject
        {
            ["name"] = "Beryl.TestVectors",
            ["version"] = ScenarioGenerator.Version,
            ["spec"] = ScenarioSpecJson.ToJson(spec),
        };
        return o;
    }

    private static double R(double v) => Math.Round(v, 2);
}
