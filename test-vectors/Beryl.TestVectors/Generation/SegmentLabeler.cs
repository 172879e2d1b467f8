using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors;

/// <summary>
/// Derives talk-state segments from the actual echo and near-end components of the mic: 10 ms frames
/// are active when within 30 dB of the component's active level, activity is held for 0.3 s after the
/// last active frame, and segments shorter than 0.5 s are merged into a neighbour whose talk state covers
/// theirs (so far-end-only segments never contain near-end speech and near-end-only ones never echo).
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
        MergeShortRuns(runs, (int)Math.Round(MinSegmentS / SignalLevels.FrameSeconds));
        var segs = new List<ScenarioSegment>();
        for (int i = 0; i < runs.Count; i++)
        {
            double s = Math.Round(runs[i].Start * SignalLevels.FrameSeconds, 2);
            double t = i == runs.Count - 1 ? durationS : Math.Round(runs[i].End * SignalLevels.FrameSeconds, 2);
            segs.Add(new ScenarioSegment(s, t, runs[i].Label));
        }
        return segs;
    }

    /// <summary>
    /// Repeatedly merges the shortest run below <paramref name="minFrames"/> into its longer neighbour among
    /// those whose talk state includes every component of the run (silence into anything, far-end or near-end
    /// single talk into double talk), so a merge never hides echo or near-end speech. Runs without such a
    /// neighbour stay short.
    /// </summary>
    private static void MergeShortRuns(List<(SegmentLabel Label, int Start, int End)> runs, int minFrames)
    {
        bool merged = true;
        while (merged && runs.Count > 1)
        {
            merged = false;
            foreach (int i in Enumerable.Range(0, runs.Count).Where(i => runs[i].End - runs[i].Start < minFrames)
                         .OrderBy(i => runs[i].End - runs[i].Start).ThenBy(i => i).ToList())
            {
                int best = -1;
                foreach (int j in new[] { i - 1, i + 1 })
                {
                    if (j < 0 || j >= runs.Count || !Covers(runs[j].Label, runs[i].Label)) continue;
                    if (best < 0 || runs[j].End - runs[j].Start > runs[best].End - runs[best].Start) best = j;
                }
                if (best < 0) continue;
                runs[i] = runs[i] with { Label = runs[best].Label };
                Coalesce(runs);
                merged = true;
                break;
            }
        }
    }

    /// <summary>True if talk state <paramref name="outer"/> includes every active component of <paramref name="inner"/>.</summary>
    public static bool Covers(SegmentLabel outer, SegmentLabel inner)
    {
        static (bool Echo, bool Near) C(SegmentLabel l) => l switch
        {
            SegmentLabel.FarendSingle => (true, false),
            SegmentLabel.NearendSingle => (false, true),
            SegmentLabel.Doubletalk => (true, true),
            _ => (false, false),
        };
        var (oe, on) = C(outer);
        var (ie, inn) = C(inner);
        return (oe || !ie) && (on || !inn);
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
