using System.Text.Json.Nodes;

namespace Beryl.TestVectors;

/// <summary>Stores a <see cref="ScenarioSpec"/> inside meta.json ("generator.spec") and reads it back.</summary>
internal static class ScenarioSpecJson
{
    public static JsonObject ToJson(ScenarioSpec s) => new()
    {
        ["name"] = s.Name,
        ["sample_rate"] = s.SampleRate,
        ["capture_channels"] = s.CaptureChannels,
        ["render_channels"] = s.RenderChannels,
        ["duration_s"] = s.DurationS,
        ["delay_ms"] = s.DelayMs,
        ["drift_ppm"] = s.DriftPpm,
        ["nonlinearity"] = s.Nonlinearity.ToJsonName(),
        ["nonlinearity_level_db"] = s.NonlinearityLevelDb,
        ["ser_db"] = s.SerDb,
        ["snr_db"] = s.SnrDb,
        ["noise_kind"] = s.NoiseKind.ToString(),
        ["echo_path_change_s"] = s.EchoPathChangeS,
        ["rt60_s"] = s.Rt60S,
        ["room"] = s.Room.ToString(),
        ["far_source"] = s.FarSource.ToString(),
        ["schedule"] = s.Schedule.Name,
        ["far_level_dbfs"] = s.FarLevelDbfs,
        ["mic_level_dbfs"] = s.MicLevelDbfs,
        ["corpus_rir"] = s.CorpusRir,
        ["seed"] = s.Seed,
    };

    /// <summary>Reads a spec written by <see cref="ToJson"/>; null if <paramref name="o"/> is not one.</summary>
    public static ScenarioSpec? FromJson(JsonObject? o, ScenarioMeta meta)
    {
        if (o == null) return null;
        try
        {
            var schedule = (string?)o["schedule"] switch
            {
                "long_doubletalk" => TalkSchedule.LongDoubletalk,
                "long_farend" => TalkSchedule.LongFarend,
                _ => TalkSchedule.Standard,
            };
            return new ScenarioSpec(
                (string?)o["name"] ?? meta.Name,
                (int?)o["sample_rate"] ?? meta.SampleRate,
                (int?)o["capture_channels"] ?? meta.Channels,
                (int?)o["render_channels"] ?? meta.RenderChannels,
                (double?)o["duration_s"] ?? meta.DurationS ?? 14.0,
                (double?)o["delay_ms"] ?? 0,
                (double?)o["drift_ppm"] ?? 0,
                ScenarioNames.ParseNonlinearity((string?)o["nonlinearity"]),
                (double?)o["ser_db"] ?? 0,
                (double?)o["snr_db"],
                (double?)o["echo_path_change_s"],
                (double?)o["rt60_s"] ?? 0.35,
                Enum.TryParse<FarSource>((string?)o["far_source"], out var fs) ? fs : FarSource.Speech,
                (int?)o["seed"] ?? 0)
            {
                NonlinearityLevelDb = (double?)o["nonlinearity_level_db"],
                NoiseKind = Enum.TryParse<NoiseKind>((string?)o["noise_kind"], out var nk) ? nk : NoiseKind.Stationary,
                Room = Enum.TryParse<RoomPreset>((string?)o["room"], out var rp) ? rp : RoomPreset.OfficeSmallLaptop,
                Schedule = schedule,
                FarLevelDbfs = (double?)o["far_level_dbfs"] ?? -26,
                MicLevelDbfs = (double?)o["mic_level_dbfs"] ?? -30,
                CorpusRir = (string?)o["corpus_rir"],
                Description = meta.Description,
                Families = meta.Families ?? [],
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ScenarioMetaException($"meta.json: generator.spec is malformed: {e.Message}", e);
        }
    }

    /// <summary>Best-effort spec of a scenario that was not written by this generator (e.g. the dev set).</summary>
    public static ScenarioSpec FromMeta(ScenarioMeta meta, JsonObject root)
    {
        string? farKind = (string?)root["far_source"]?["kind"];
        double rt60 = 0.35;
        if (root["rir_info"]?["echo"]?["rt60_target_s"] is JsonValue v && v.TryGetValue(out double r)) rt60 = r;
        return new ScenarioSpec(
            meta.Name, meta.SampleRate, meta.Channels, meta.RenderChannels, meta.DurationS ?? 14.0,
            meta.DelayMs ?? 0, meta.DriftPpm ?? 0, ScenarioNames.ParseNonlinearity(meta.Nonlinearity),
            meta.SerDb ?? 0, meta.SnrDb, meta.EchoPathChangeS, Math.Clamp(rt60, 0.05, 3.0),
            farKind == "music" ? FarSource.Music : FarSource.Speech, meta.Seed ?? 0)
        {
            Description = meta.Description,
            Families = meta.Families ?? [],
        };
    }
}
