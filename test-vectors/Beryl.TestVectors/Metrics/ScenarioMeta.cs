using System.Text.Json;
using System.Text.Json.Nodes;

namespace Beryl.TestVectors;

/// <summary>
/// The fields of a scenario's meta.json that the metrics and the tools rely on
/// (unknown extra fields are ignored when parsing).
/// </summary>
/// <param name="Name">Scenario name (directory name).</param>
/// <param name="SampleRate">Sample rate of all WAV files, Hz.</param>
/// <param name="Channels">Capture (mic) channels.</param>
/// <param name="RenderChannels">Render (far-end reference) channels.</param>
/// <param name="DurationS">Length in seconds, if stated.</param>
/// <param name="DelayMs">Bulk delay between reference and echo in ms (negative: echo leads), if stated.</param>
/// <param name="DriftPpm">Capture clock offset re render clock in ppm, if stated.</param>
/// <param name="Nonlinearity">Loudspeaker nonlinearity name ("none", "hard_clip", "soft_tanh").</param>
/// <param name="SerDb">Target signal-to-echo ratio in dB, if stated.</param>
/// <param name="SnrDb">Target near-end signal-to-noise ratio in dB, or null without noise.</param>
/// <param name="EchoPathChangeS">Time of the echo path change in seconds, or null.</param>
/// <param name="RirMs">Length of the echo path in ms, if stated (used for the near-end guard interval).</param>
/// <param name="Segments">Labelled talk-state segments in time order.</param>
/// <param name="Seed">Generator seed, if stated.</param>
/// <param name="Description">Free-text description, if any.</param>
/// <param name="Families">Scenario families (e.g. "a", "d"), possibly empty.</param>
/// <param name="Category">Optional summary category.</param>
public sealed record ScenarioMeta(
    string Name,
    int SampleRate,
    int Channels,
    int RenderChannels,
    double? DurationS,
    double? DelayMs,
    double? DriftPpm,
    string Nonlinearity,
    double? SerDb,
    double? SnrDb,
    double? EchoPathChangeS,
    double? RirMs,
    IReadOnlyList<ScenarioSegment> Segments,
    int? Seed = null,
    string? Description = null,
    IReadOnlyList<string>? Families = null,
    string? Category = null)
{
    /// <summary>Parses meta.json text; throws <see cref="ScenarioMetaException"/> naming the problem.</summary>
    public static ScenarioMeta Parse(string json, string source = "meta.json")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new ScenarioMetaException($"{source}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ScenarioMetaException($"{source}: the top level must be a JSON object, found {root.ValueKind}.");
            var r = new MetaReader(root, source);
            int sr = r.RequiredPositiveInt("sample_rate");
            int ch = r.RequiredPositiveInt("channels");
            int rch = r.OptionalPositiveInt("render_channels") ?? ch;
            var segments = ParseSegments(root, source);
            return new ScenarioMeta(
                r.OptionalString("name") ?? "",
                sr, ch, rch,
                r.OptionalNumber("duration_s"),
                r.OptionalNumber("delay_ms"),
                r.OptionalNumber("drift_ppm"),
                r.OptionalString("nonlinearity") ?? "none",
                r.OptionalNumber("ser_db"),
                r.OptionalNumber("snr_db"),
                r.OptionalNumber("echo_path_change_s"),
                r.OptionalNumber("rir_ms"),
                segments,
                r.OptionalInt("seed"),
                r.OptionalString("description"),
                r.OptionalStringList("families"),
                r.OptionalString("category"));
        }
    }

    /// <summary>Parses meta.json text; on failure returns false and a message naming the problem.</summary>
    public static bool TryParse(string json, out ScenarioMeta? meta, out string? error)
    {
        try
        {
            meta = Parse(json);
            error = null;
            return true;
        }
        catch (ScenarioMetaException e)
        {
            meta = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Reads and parses a meta.json file.</summary>
    public static ScenarioMeta Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"meta.json not found: {path}", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>The core fields as a JSON object in the dev-set key order (callers may append more keys).</summary>
    public JsonObject ToJsonObject()
    {
        var segs = new JsonArray();
        foreach (var s in Segments)
            segs.Add(new JsonObject { ["start_s"] = s.StartS, ["end_s"] = s.EndS, ["label"] = s.Label.ToJsonName() });
        var o = new JsonObject
        {
            ["name"] = Name,
            ["sample_rate"] = SampleRate,
            ["channels"] = Channels,
            ["render_channels"] = RenderChannels,
            ["delay_ms"] = DelayMs,
            ["drift_ppm"] = DriftPpm,
            ["nonlinearity"] = Nonlinearity,
            ["ser_db"] = SerDb,
            ["snr_db"] = SnrDb,
            ["echo_path_change_s"] = EchoPathChangeS,
            ["rir_ms"] = RirMs,
            ["segments"] = segs,
            ["families"] = new JsonArray((Families ?? []).Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
            ["description"] = Description,
            ["duration_s"] = DurationS,
            ["seed"] = Seed,
        };
        if (Category != null) o["category"] = Category;
        return o;
    }

    private static List<ScenarioSegment> ParseSegments(JsonElement root, string source)
    {
        var list = new List<ScenarioSegment>();
        if (!root.TryGetProperty("segments", out var segs) || segs.ValueKind == JsonValueKind.Null)
            return list;
        if (segs.ValueKind != JsonValueKind.Array)
            throw new ScenarioMetaException($"{source}: 'segments' must be an array, found {segs.ValueKind}.");
        int i = 0;
        foreach (var s in segs.EnumerateArray())
        {
            string where = $"{source}: segments[{i}]";
            if (s.ValueKind != JsonValueKind.Object)
                throw new ScenarioMetaException($"{where} must be an object with start_s, end_s and label.");
            var r = new MetaReader(s, where);
            double start = r.RequiredNumber("start_s");
            double end = r.RequiredNumber("end_s");
            string label = r.OptionalString("label") ?? throw new ScenarioMetaException($"{where}: missing required field 'label'.");
            if (!SegmentLabels.TryParse(label, out var lab))
                throw new ScenarioMetaException($"{where}: unknown label '{label}' (expected farend_single, doubletalk, nearend_single or silence).");
            if (start < 0 || end < start)
                throw new ScenarioMetaException($"{where}: invalid interval [{start}, {end}] s.");
            list.Add(new ScenarioSegment(start, end, lab));
            i++;
        }
        return list;
    }
}
