using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors;

/// <summary>
/// Derives talk-state segments from the actual echo and near-end components of the mic: 10 ms frames
/// are active when within 30 dB of the component's active level, activity is held for 0.3 s after the
/// last active frame, and segments shorter than 0.5 s are merged into their longer neighbour.
/// </summary>
public static class SegmentLabeler
{
    /// <summary>Activity threshold below the component's active level, dB.</summary>
    public const double ThresholdDb = 30.0;

    /// <summary>Hang-over after the last active frame, seconds.</summary>
    public const double HangoverS = 0.3;

    /// <summary>Segments shorter than this are merged, seconds.</summary>
    public const double MinSegmentS = 0.5;

    /// <summary>Per-frame activity (10 ms frames) of a component, with hang-over.</summary>
    public static bool[] Activity(IReadOnlyList<float[]> component, int sampleRate)
    {
        var p = SignalLevels.FramePowers(component, sampleRate);
        double active = SignalLevels.ActiveLevelFromFrames(p);
        var act = new bool[p.Length];
        if (active <= -199) return act;
        double thr = Math.Pow(10, (active - ThresholdDb) / 10);
        int hang = (int)Math.Round(HangoverS / SignalLevels.FrameSeconds);
        int last = int.MinValue / 2;
        for (int f = 0; f < p.Length; f++)
        {
            if (p[f] > thr) last = f;
            act[f] = f - last <= hang;
        }
        return act;
    }

    /// <summary>Labelled segments covering [0, frames / sampleRate).</summary>
    public static IReadOnlyList<ScenarioSegment> Derive(IReadOnlyList<float[]> echo, IReadOnlyList<float[]> near, int sampleRate)
    {
        var e = Activity(echo, sampleRate);
        var n = Activity(near, sampleRate);
        int frames = Math.Min(e.Length, n.Length);
        double durationS = (double)echo[0].Length / sampleRate;
        var runs = new List<(SegmentLabel Label, int Start, int End)>();
        for (int f = 0; f < frames; f++)
        {
            var label = (e[f], n[f]) switch
            {
                (true, true) => SegmentLabel.Doubletalk,
                (true, false) => SegmentLabel.FarendSingle,
                (false, true) => SegmentLabel.NearendSingle,
                _ => SegmentLabel.Silence,
            };
            if (runs.Count > 0 && runs[^1].Label == label) runs[^1] = runs[^1] with { End = f + 1 };
            else runs.Add((label, f, f + 1));
        }
        if (runs.Count == 0) return [new ScenarioSegment(0, durationS, SegmentLabel.Silence)];
        int minFrames = (int)Math.Round(MinSegmentS / SignalLevels.FrameSeconds);
        while (runs.Count > 1)
        {
            int shortest = -1;
            for (int i = 0; i < runs.Count; i++)
            {
                int len = runs[i].End - runs[i].Start;
                if (len < minFrames && (shortest < 0 || len < runs[shortest].End - runs[shortest].Start)) shortest = i;
            }
            if (shortest < 0) break;
            int prevLen = shortest > 0 ? runs[shortest - 1].End - runs[shortest - 1].Start : -1;
            int nextLen = shortest < runs.Count - 1 ? runs[shortest + 1].End - runs[shortest + 1].Start : -1;
            int into = nextLen > prevLen ? shortest + 1 : shortest - 1;
            runs[shortest] = runs[shortest] with { Label = runs[into].Label };
            Coalesce(runs);
        }
        var segs = new List<ScenarioSegment>();
        for (int i = 0; i < runs.Count; i++)
        {
            double s = Math.Round(runs[i].Start * SignalLevels.FrameSeconds, 2);
            double t = i == runs.Count - 1 ? durationS : Math.Round(runs[i].End * SignalLevels.FrameSeconds, 2);
            segs.Add(new ScenarioSegment(s, t, runs[i].Label));
        }
        return segs;
    }

    private static void Coalesce(List<(SegmentLabel Label, int Start, int End)> runs)
    {
        for (int i = runs.Count - 1; i > 0; i--)
        {
            if (runs[i].Label != runs[i - 1].Label) continue;
            runs[i - 1] = runs[i - 1] with { End = runs[i].End };
            runs.RemoveAt(i);
        }
    }
}
