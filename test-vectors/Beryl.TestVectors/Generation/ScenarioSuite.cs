using System.Text;
using System.Text.Json.Nodes;

namespace Beryl.TestVectors;

/// <summary>The standard scenario suite, mirroring the families of the shared dev set (a..l).</summary>
public static class ScenarioSuite
{
    /// <summary>
    /// The standard suite for <paramref name="seed"/>: linear 16 kHz and 48 kHz, stereo 48 kHz, delays
    /// 150/400/900 ms, -30 ms non-causal, drift +100/-500 ppm, echo path change, hard clip, soft tanh,
    /// SER -10/+10 dB double talk, stationary and babble noise, music far end, long reverb.
    /// Scenario seeds are seed * 1000 + 100 + index.
    /// </summary>
    public static IReadOnlyList<ScenarioSpec> Standard(int seed)
    {
        int i = 0;
        ScenarioSpec S(string name, string families, string description, Func<ScenarioSpec, ScenarioSpec>? tweak = null)
        {
            i++;
            var spec = new ScenarioSpec(name, Seed: unchecked(seed * 1000 + 100 + i))
            {
                Families = families.Split(','),
                Description = description,
            };
            return tweak != null ? tweak(spec) : spec;
        }
        return
        [
            S("a01_linear_16k_delay20ms", "a,d", "Clean linear echo at 16 kHz, seminar-like room (measured seminar-room RIR with a corpus), 20 ms bulk delay.",
                s => s with { Rt60S = 0.6, Room = RoomPreset.MeetingSpeakerphone, CorpusRir = "seminar_room_rir_clap_44k.wav" }),
            S("b01_linear_48k_livingroom", "b", "Clean linear echo at 48 kHz, living room (measured living-room RIR with a corpus).",
                s => s with { SampleRate = 48000, DurationS = 12, Rt60S = 0.35, Room = RoomPreset.LivingRoomTv, CorpusRir = "openair_domestic_living_room_1_44k.wav" }),
            S("c01_stereo_48k_livingroom_tv", "c", "Stereo render (two far talkers panned, correlated channels) through two TV loudspeakers, two mics: 4 echo paths.",
                s => s with { SampleRate = 48000, CaptureChannels = 2, RenderChannels = 2, DurationS = 10, DelayMs = 30, Rt60S = 0.5, Room = RoomPreset.LivingRoomTv }),
            S("d02_delay150ms", "d", "Bulk delay 150 ms between render reference and echo.",
                s => s with { DelayMs = 150, Rt60S = 0.33 }),
            S("d03_delay400ms", "d", "Bulk delay 400 ms between render reference and echo.",
                s => s with { DelayMs = 400, Rt60S = 0.45, Room = RoomPreset.MeetingSpeakerphone }),
            S("d04_delay900ms", "d", "Bulk delay 900 ms between render reference and echo.",
                s => s with { DelayMs = 900, Rt60S = 0.3, Room = RoomPreset.PhoneOnTable }),
            S("e01_noncausal_minus30ms", "e", "Non-causal: the echo in the mic LEADS the far reference by 30 ms.",
                s => s with { DelayMs = -30, Rt60S = 0.33 }),
            S("f01_drift_plus100ppm", "f", "Capture clock 100 ppm faster than render clock.",
                s => s with { DelayMs = 40, DriftPpm = 100, Rt60S = 0.45, Room = RoomPreset.MeetingSpeakerphone }),
            S("f02_drift_minus500ppm", "f", "Capture clock 500 ppm slower than render clock (echo moves 7 ms earlier over the file).",
                s => s with { DelayMs = 60, DriftPpm = -500, Rt60S = 0.3, Room = RoomPreset.PhoneOnTable }),
            S("g01_path_change_move", "g", "Echo path change at 3.5 s (far-end single talk): device moved 0.4-0.9 m and rotated; 10 ms cross-fade.",
                s => s with { DelayMs = 25, EchoPathChangeS = 3.5, Rt60S = 0.33, Schedule = TalkSchedule.LongFarend }),
            S("h01_nonlinear_hardclip", "h", "Loudspeaker hard clipping at +9 dB re the far-end active level.",
                s => s with { DelayMs = 15, Nonlinearity = Nonlinearity.HardClip, NonlinearityLevelDb = 9, Rt60S = 0.3, Room = RoomPreset.PhoneOnTable }),
            S("h02_nonlinear_soft_tanh", "h", "Loudspeaker soft saturation y = L tanh(x / L), L = far active level + 12 dB.",
                s => s with { DelayMs = 15, Nonlinearity = Nonlinearity.SoftTanh, NonlinearityLevelDb = 12, Rt60S = 0.33 }),
            S("i01_ser_minus10dB_doubletalk", "i", "Low signal-to-echo ratio: near end 10 dB BELOW the echo, long double talk.",
                s => s with { DelayMs = 30, SerDb = -10, Rt60S = 0.45, Room = RoomPreset.MeetingSpeakerphone, Schedule = TalkSchedule.LongDoubletalk }),
            S("i02_ser_plus10dB_doubletalk", "i", "High signal-to-echo ratio: near end 10 dB ABOVE the echo, long double talk.",
                s => s with { DelayMs = 30, SerDb = 10, Rt60S = 0.33, Schedule = TalkSchedule.LongDoubletalk }),
            S("j01_noise_stationary_snr15", "j", "Near-end stationary background noise, SNR 15 dB.",
                s => s with { SnrDb = 15, NoiseKind = NoiseKind.Stationary, Rt60S = 0.45, Room = RoomPreset.MeetingSpeakerphone }),
            S("j02_noise_babble_snr12", "j", "Near-end babble noise (5 reverberant background talkers), SNR 12 dB.",
                s => s with { SnrDb = 12, NoiseKind = NoiseKind.Babble, Rt60S = 0.33 }),
            S("k01_music_far_16k", "k", "Far end is music instead of speech.",
                s => s with { DelayMs = 35, FarSource = FarSource.Music, Rt60S = 0.5, Room = RoomPreset.LivingRoomTv }),
            S("l01_long_reverb_rt0.8", "l", "Long reverberant room (RT60 0.8 s).",
                s => s with { Rt60S = 0.8, Room = RoomPreset.ReverberantRoom }),
        ];
    }

    /// <summary>
    /// Generates the standard suite and writes each scenario to outDir/name, plus INDEX.md and index.json.
    /// Returns the scenario directories.
    /// </summary>
    public static IReadOnlyList<string> WriteAll(string outDir, int seed, string? corpusDir)
    {
        Directory.CreateDirectory(outDir);
        var dirs = new List<string>();
        var index = new JsonArray();
        var md = new StringBuilder();
        md.AppendLine("# AEC test vectors (generated by Beryl.TestVectors)").AppendLine();
        md.AppendLine($"Seed {seed}; corpus: {(corpusDir != null && Directory.Exists(corpusDir) ? "yes" : "no (synthetic material only)")}.").AppendLine();
        md.AppendLine("| scenario | fam | sr | ch (cap/ren) | dur s | delay ms | drift ppm | NL | RIR | SER dB | SNR dB | path change s |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var spec in Standard(seed))
        {
            var s = ScenarioGenerator.Generate(spec, corpusDir);
            string dir = Path.Combine(outDir, spec.Name);
            s.WriteTo(dir);
            dirs.Add(dir);
            string rir = (string?)JsonNode.Parse(s.MetaJson)?["rir"] ?? "";
            md.AppendLine($"| {spec.Name} | {string.Join(",", spec.Families)} | {spec.SampleRate} | {spec.CaptureChannels}/{spec.RenderChannels} | {spec.DurationS} | {spec.DelayMs} | {spec.DriftPpm} | {spec.Nonlinearity.ToJsonName()} | {rir} | {spec.SerDb} | {spec.SnrDb?.ToString() ?? "-"} | {spec.EchoPathChangeS?.ToString() ?? "-"} |");
            var core = s.Meta.ToJsonObject();
            core.Remove("segments");
            index.Add(core);
        }
        md.AppendLine().AppendLine("Files per scenario: far.wav, mic.wav (= echo + near + noise exactly, int16), near.wav, echo.wav, noise.wav (with noise), echo_rir.wav (float32, capture-major), meta.json.");
        File.WriteAllText(Path.Combine(outDir, "INDEX.md"), md.ToString());
        var root = new JsonObject { ["generator"] = "Beryl.TestVectors", ["version"] = ScenarioGenerator.Version, ["seed"] = seed, ["scenarios"] = index };
        File.WriteAllText(Path.Combine(outDir, "index.json"), root.ToJsonString(Scenario.JsonOptions) + "\n");
        return dirs;
    }
}
