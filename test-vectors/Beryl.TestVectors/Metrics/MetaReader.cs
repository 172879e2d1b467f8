using System.Text.Json;

namespace Beryl.TestVectors;

/// <summary>Typed field access on a JSON object with error messages naming the field.</summary>
internal readonly struct MetaReader(JsonElement obj, string where)
{
    public int RequiredPositiveInt(string key)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            throw new ScenarioMetaException($"{where}: missing required field '{key}'.");
        return PositiveInt(key, v);
    }

    public int? OptionalPositiveInt(string key)
        => obj.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? PositiveInt(key, v) : null;

    public int? OptionalInt(string key)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i))
            throw new ScenarioMetaException($"{where}: '{key}' must be an integer, found {Describe(v)}.");
        return i;
    }

    public double RequiredNumber(string key)
        => OptionalNumber(key) ?? throw new ScenarioMetaException($"{where}: missing required field '{key}'.");

    public double? OptionalNumber(string key)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number)
            throw new ScenarioMetaException($"{where}: '{key}' must be a number or null, found {Describe(v)}.");
        double d = v.GetDouble();
        if (!double.IsFinite(d)) throw new ScenarioMetaException($"{where}: '{key}' is not finite.");
        return d;
    }

    public string? OptionalString(string key)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String)
            throw new ScenarioMetaException($"{where}: '{key}' must be a string, found {Describe(v)}.");
        return v.GetString();
    }

    public IReadOnlyList<string> OptionalStringList(string key)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            throw new ScenarioMetaException($"{where}: '{key}' must be an array of strings.");
        return v.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    private int PositiveInt(string key, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i) || i <= 0)
            throw new ScenarioMetaException($"{where}: '{key}' must be a positive integer, found {Describe(v)}.");
        return i;
    }

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"string \"{v.GetString()}\"",
        JsonValueKind.Number => $"number {v.GetRawText()}",
        _ => v.ValueKind.ToString().ToLowerInvariant(),
    };
}
