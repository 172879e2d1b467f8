namespace Beryl.TestVectors;

/// <summary>Talk state of a stretch of a scenario, derived from the echo and near-end activity in the mic.</summary>
public enum SegmentLabel
{
    /// <summary>Neither echo nor near-end speech active ("silence").</summary>
    Silence,

    /// <summary>Only echo active ("farend_single").</summary>
    FarendSingle,

    /// <summary>Echo and near-end speech active ("doubletalk").</summary>
    Doubletalk,

    /// <summary>Only near-end speech active ("nearend_single").</summary>
    NearendSingle,
}

/// <summary>Conversions between <see cref="SegmentLabel"/> and the meta.json strings.</summary>
public static class SegmentLabels
{
    /// <summary>The meta.json spelling of <paramref name="label"/>.</summary>
    public static string ToJsonName(this SegmentLabel label) => label switch
    {
        SegmentLabel.Silence => "silence",
        SegmentLabel.FarendSingle => "farend_single",
        SegmentLabel.Doubletalk => "doubletalk",
        SegmentLabel.NearendSingle => "nearend_single",
        _ => throw new ArgumentOutOfRangeException(nameof(label)),
    };

    /// <summary>Parses a meta.json label; false for unknown names.</summary>
    public static bool TryParse(string? name, out SegmentLabel label)
    {
        switch (name)
        {
            case "silence": label = SegmentLabel.Silence; return true;
            case "farend_single": label = SegmentLabel.FarendSingle; return true;
            case "doubletalk": label = SegmentLabel.Doubletalk; return true;
            case "nearend_single": label = SegmentLabel.NearendSingle; return true;
            default: label = default; return false;
        }
    }
}

/// <summary>One labelled stretch [StartS, EndS) of a scenario, in seconds of mic time.</summary>
public sealed record ScenarioSegment(double StartS, double EndS, SegmentLabel Label)
{
    /// <summary>Length in seconds.</summary>
    public double DurationS => EndS - StartS;
}
