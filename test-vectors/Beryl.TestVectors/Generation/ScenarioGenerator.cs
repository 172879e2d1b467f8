using System.Text.Json.Nodes;
using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors;

/// <summary>
/// Renders echo scenarios in memory from a <see cref="ScenarioSpec"/>: far-end speech or music on a talk
/// schedule, loudspeaker nonlinearity, echo paths (synthetic rooms or measured RIRs), bulk delay, clock
/// drift, echo path change, near-end speech through its own room path, noise, levels by SER/SNR, and
/// segments labelled from the actual echo and near-end activity. Deterministic: the same spec (and corpus)
/// gives bit-identical signals.
/// </summary>
public static class ScenarioGenerator
{
    /// <summary>Generator version stored in meta.json.</summary>
    public const string Version = "1.0";

    /// <summary>
    /// Gap between the end of near-end talk and a following far-end single-talk interval: the labelling
    /// hang-over plus the time the near-end reverberation needs to decay by 30 dB, plus a margin.
    /// </summary>
    public static double NearEndGapS(double rt60S) => SegmentLabeler.HangoverS + 0.5 * rt60S + 0.15;

    /// <summary>
    /// Renders <paramref name="spec"/>. With <paramref name="corpusDir"/> (a folder like shared/corpus), real
    /// speech, noise, music and measured RIRs from it are used where suitable; without it everything is synthetic.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    public static Scenario Generate(ScenarioSpec spec, string? corpusDir = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var corpus = CorpusLibrary.Open(corpusDir);
        var rng = new DeterministicRandom(spec.Seed, "scenario");
        var used = new SortedSet<string>(StringComparer.Ordinal);
        int sr = spec.SampleRate, cap = spec.CaptureChannels;
        int frames = (int)Math.Round(spec.DurationS * sr);
        double durationS = (double)frames / sr;
        double delayS = spec.DelayMs / 1000.0, drift = spec.DriftPpm * 1e-6;

        // ---- schedule ------------------------------------------------------------
        var plan = spec.Schedule.ScaledTo(durationS, Math.Max(0, delayS));
        var farMic = Intervals(plan, SegmentLabel.FarendSingle, SegmentLabel.Doubletalk);
        // near-end talk stops NearEndGapS before a following far-end single-talk interval so that its hang-over
        // and reverberation do not turn the start of that interval into double talk
        var nearMic = Intervals(plan, SegmentLabel.NearendSingle, SegmentLabel.Doubletalk)
            .Select(i => (i.Start, End: plan.Any(p => p.Label == SegmentLabel.FarendSingle && Math.Abs(p.StartS - i.End) < 1e-9) ? i.End - NearEndGapS(spec.Rt60S) : i.End))
            .ToList();
        var farRender = farMic.Select(i => ToSamples(i.Start / (1 + drift) - delayS, i.End / (1 + drift) - delayS, sr, frames)).Where(i => i.End > i.Start).ToList();
        var nearSamples = nearMic.Select(i => ToSamples(i.Start, i.End, sr, frames)).Where(i => i.End > i.Start).ToList();

        // ---- sources -------------------------------------------------------------
        var sources = new SourceSignals(spec, corpus, rng.Fork("sources"), used);
        var (farTalkers, nearTalker) = sources.Talkers();
        var farRaw = sources.Far(frames, farRender, farTalkers, out var farInfo);
        double farActive = SignalLevels.ActiveLevelDbfs(farRaw, sr);
        SignalLevels.Scale(farRaw, Math.Pow(10, (spec.FarLevelDbfs - farActive) / 20));
        double farPeak = SignalLevels.Peak(farRaw);
        if (farPeak > 0.97) SignalLevels.Scale(farRaw, 0.97 / farPeak);
        var far = Quantize(farRaw);
        farActive = SignalLevels.ActiveLevelDbfs(far, sr);

        // ---- echo ----------------------------------------------------------------
        var paths = EchoPaths.Build(spec, corpus, rng.Fork("paths"), used);
        var speaker = Loudspeaker.Apply(far, spec.Nonlinearity, farActive, spec.EffectiveNonlinearityLevelDb, out var nlStats);
        int changeSample = spec.EchoPathChangeS is double pc ? (int)Math.Round(pc * sr) : 0;
        var echoRaw = ToFloat(EchoRenderer.Render(speaker, paths.Echo, cap, frames, delayS * sr, drift, paths.EchoAfterChange, changeSample, sr));
        double echoTarget = spec.MicLevelDbfs - spec.SerDb / 2;
        double echoGain = Math.Pow(10, (echoTarget - SignalLevels.ActiveLevelDbfs(echoRaw, sr)) / 20);

        // ---- near ----------------------------------------------------------------
        var dryNear = sources.Near(frames, nearSamples, nearTalker);
        var nearRaw = paths.Near.Select(h => FftConvolver.Convolve(dryNear, h.Select(v => (float)v).ToArray(), frames).Select(v => (float)v).ToArray()).ToArray();
        double nearTarget = spec.MicLevelDbfs + spec.SerDb / 2;
        double nearGain = Math.Pow(10, (nearTarget - SignalLevels.ActiveLevelDbfs(nearRaw, sr)) / 20);

        // ---- noise ---------------------------------------------------------------
        float[][]? noiseRaw = null;
        JsonObject? noiseInfo = null;
        double noiseGain = 0;
        if (spec.SnrDb is double snr)
        {
            noiseRaw = sources.Noise(frames, paths.Layout, out var ni);
            noiseInfo = ni;
            noiseGain = Math.Pow(10, (nearTarget - snr - SignalLevels.RmsDbfs(noiseRaw)) / 20);
        }

        // ---- headroom, quantisation ------------------------------------------------
        double peak = 0;
        for (int c = 0; c < cap; c++)
            for (int i = 0; i < frames; i++)
                peak = Math.Max(peak, Math.Abs(echoGain * echoRaw[c][i] + nearGain * nearRaw[c][i] + (noiseRaw != null ? noiseGain * noiseRaw[c][i] : 0)));
        double global = peak > 0.95 ? 0.95 / peak : 1.0;
        SignalLevels.Scale(echoRaw, echoGain * global);
        SignalLevels.Scale(nearRaw, nearGain * global);
        if (noiseRaw != null) SignalLevels.Scale(noiseRaw, noiseGain * global);
        var echo = Quantize(echoRaw);
        var near = Quantize(nearRaw);
        var noise = noiseRaw != null ? Quantize(noiseRaw) : null;
        var mic = new float[cap][];
        for (int c = 0; c < cap; c++)
        {
            mic[c] = new float[frames];
            for (int i = 0; i < frames; i++) mic[c][i] = echo[c][i] + near[c][i] + (noise != null ? noise[c][i] : 0f);
        }
        float[][] Scaled(double[][] p)
        {
            int len = p.Max(h => h.Length);
            return p.Select(h =>
            {
                var f = new float[len];
                for (int i = 0; i < h.Length; i++) f[i] = (float)(h[i] * echoGain * global);
                return f;
            }).ToArray();
        }
        var rir = Scaled(paths.Echo);
        var rirAfter = paths.EchoAfterChange != null ? Scaled(paths.EchoAfterChange) : null;

        // ---- labels, metadata ------------------------------------------------------
        var segments = SegmentLabeler.Derive(echo, near, sr);
        var meta = new ScenarioMeta(spec.Name, sr, cap, spec.RenderChannels, durationS, spec.DelayMs, spec.DriftPpm,
            spec.Nonlinearity.ToJsonName(), spec.SerDb, spec.SnrDb, spec.EchoPathChangeS,
            Math.Round(1000.0 * rir.Max(h => h.Length) / sr, 1), segments, spec.Seed, spec.Description, spec.Families);
        var json = ScenarioMetaBuilder.Build(spec, meta, plan, paths, farInfo, farTalkers, nearTalker, noiseInfo, used, nlStats,
            new ScenarioMetaBuilder.Levels(far, echo, near, noise, mic, 20 * Math.Log10(global)));
        return new Scenario(spec, meta, json, far, mic, near, echo, noise, rir, rirAfter);
    }

    /// <summary>Rounds to the int16 grid (k / 32768, clamped to [-32768, 32767]).</summary>
    public static float[][] Quantize(IReadOnlyList<float[]> x)
        => x.Select(ch => ch.Select(v => (float)(Math.Clamp(Math.Round(v * 32768.0), -32768, 32767) / 32768.0)).ToArray()).ToArray();

    private static float[][] ToFloat(double[][] x) => x.Select(ch => ch.Select(v => (float)v).ToArray()).ToArray();

    private static List<(double Start, double End)> Intervals(IReadOnlyList<PlannedTalk> plan, params SegmentLabel[] labels)
    {
        var list = new List<(double Start, double End)>();
        foreach (var p in plan.Where(p => labels.Contains(p.Label)))
        {
            if (list.Count > 0 && Math.Abs(list[^1].End - p.StartS) < 1e-9) list[^1] = (list[^1].Start, p.EndS);
            else list.Add((p.StartS, p.EndS));
        }
        return list;
    }

    private static (int Start, int End) ToSamples(double startS, double endS, int sr, int frames)
        => (Math.Clamp((int)Math.Round(startS * sr), 0, frames), Math.Clamp((int)Math.Round(endS * sr), 0, frames));
}
