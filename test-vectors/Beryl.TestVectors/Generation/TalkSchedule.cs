namespace Beryl.TestVectors;

/// <summary>One planned talk interval in mic time on the nominal 14 s timeline.</summary>
/// <param name="Label">Planned talk state.</param>
/// <param name="StartS">Start on the 14 s reference timeline, seconds.</param>
/// <param name="EndS">End on the 14 s reference timeline, seconds.</param>
public sealed record PlannedTalk(SegmentLabel Label, double StartS, double EndS);

/// <summary>
/// Planned talk states (mic time) on a 14 s reference timeline; scaled to the scenario duration.
/// The first interval starts after a short silence, the last ends shortly before the end.
/// </summary>
/// <param name="Name">Name of the schedule.</param>
/// <param name="Items">Intervals in time order: far-end single, double talk, near-end single, far-end single.</param>
public sealed record TalkSchedule(string Name, IReadOnlyList<PlannedTalk> Items)
{
    /// <summary>Length of the reference timeline.</summary>
    public const double ReferenceDurationS = 14.0;

    /// <summary>Leading silence before the first far-end activity (mic time), seconds.</summary>
    public const double LeadSilenceS = 0.3;

    /// <summary>Silence left at the end, seconds.</summary>
    public const double TailSilenceS = 0.15;

    /// <summary>The dev-set timeline: far 0.3-4.9, double talk -8.82, near -12.04, far -13.85.</summary>
    public static TalkSchedule Standard { get; } = new("standard",
    [
        new(SegmentLabel.FarendSingle, 0.3, 4.9),
        new(SegmentLabel.Doubletalk, 4.9, 8.82),
        new(SegmentLabel.NearendSingle, 8.82, 12.04),
        new(SegmentLabel.FarendSingle, 12.04, 13.85),
    ]);

    /// <summary>Long double talk (for the SER scenarios): far 0.3-3.5, double talk -10, near -12.3, far -13.85.</summary>
    public static TalkSchedule LongDoubletalk { get; } = new("long_doubletalk",
    [
        new(SegmentLabel.FarendSingle, 0.3, 3.5),
        new(SegmentLabel.Doubletalk, 3.5, 10.0),
        new(SegmentLabel.NearendSingle, 10.0, 12.3),
        new(SegmentLabel.FarendSingle, 12.3, 13.85),
    ]);

    /// <summary>Long initial far-end single talk (room for an echo path change): far 0.3-6, double talk -9.5, near -12, far -13.85.</summary>
    public static TalkSchedule LongFarend { get; } = new("long_farend",
    [
        new(SegmentLabel.FarendSingle, 0.3, 6.0),
        new(SegmentLabel.Doubletalk, 6.0, 9.5),
        new(SegmentLabel.NearendSingle, 9.5, 12.0),
        new(SegmentLabel.FarendSingle, 12.0, 13.85),
    ]);

    /// <summary>
    /// The intervals in mic time for a scenario of <paramref name="durationS"/> seconds: interior boundaries
    /// scaled by duration/14, the first start at max(0.3 s, delay + 0.25 s) so the far-end signal starts
    /// after 0.25 s, the last end 0.15 s before the end.
    /// </summary>
    public IReadOnlyList<PlannedTalk> ScaledTo(double durationS, double delayS)
    {
        double k = durationS / ReferenceDurationS;
        double first = Math.Max(LeadSilenceS, delayS + 0.25);
        var list = new List<PlannedTalk>();
        for (int i = 0; i < Items.Count; i++)
        {
            double s = i == 0 ? first : Items[i].StartS * k;
            double e = i == Items.Count - 1 ? durationS - TailSilenceS : Items[i].EndS * k;
            s = Math.Round(s, 3);
            e = Math.Round(Math.Max(e, s), 3);
            list.Add(Items[i] with { StartS = s, EndS = e });
        }
        return list;
    }
}
