using Beryl.Media.Audio;

namespace Beryl.TestVectors;

/// <summary>
/// Computes <see cref="AecQualityReport"/> figures of an AEC output against a scenario, with the same
/// definitions as the reference tool shared/tools/aecmetrics.py (lag compensation by band-passed
/// cross-correlation, ERLE, convergence, double-talk and near-end SI-SDR, levels).
/// </summary>
public static class AecQualityMetrics
{
    private static readonly SegmentLabel[] FarLike = [SegmentLabel.FarendSingle, SegmentLabel.Doubletalk];

    /// <summary>Figures of <paramref name="output"/> ([channel][frame]) against an in-memory scenario.</summary>
    /// <param name="scenario">The scenario the output was produced from.</param>
    /// <param name="output">AEC output, [channel][frame], same sample rate as the mic.</param>
    /// <param name="maxLagMs">Search range of the lag compensation.</param>
    /// <param name="convergenceAllowanceS">Time after the far-end onset excluded from the ERLE figures.</param>
    /// <param name="lagOverride">Forces the lag (samples, output re mic) instead of estimating it.</param>
    /// <param name="nsGuardS">Guard after far-end activity in near-end-only segments; default from meta.</param>
    public static AecQualityReport Compute(Scenario scenario, IReadOnlyList<float[]> output, double maxLagMs = 50,
        double convergenceAllowanceS = 2.0, int? lagOverride = null, double? nsGuardS = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return Compute(scenario.Meta, scenario.Mic, scenario.Far, scenario.Near, scenario.Echo, scenario.Noise, output,
            maxLagMs, convergenceAllowanceS, lagOverride, nsGuardS);
    }

    /// <summary>
    /// Figures of the output WAV against a scenario directory (meta.json, mic.wav and optionally far.wav,
    /// near.wav, echo.wav, noise.wav), like "aecmetrics.py SCENARIO_DIR OUT.wav".
    /// </summary>
    public static AecQualityReport Compute(string scenarioDir, string outWavPath, double maxLagMs = 50,
        double convergenceAllowanceS = 2.0, int? lagOverride = null, double? nsGuardS = null)
    {
        var meta = ScenarioMeta.Load(Path.Combine(scenarioDir, "meta.json"));
        var mic = WavReader.ReadAllChannels(Path.Combine(scenarioDir, "mic.wav"), out var micFormat);
        int sr = micFormat.SampleRate;
        float[][]? Optional(string name)
        {
            string p = Path.Combine(scenarioDir, name);
            if (!File.Exists(p)) return null;
            var x = WavReader.ReadAllChannels(p, out var f);
            if (f.SampleRate != sr) throw new InvalidDataException($"{p}: sample rate {f.SampleRate} != mic {sr}");
            return x;
        }
        var far = Optional("far.wav");
        var near = Optional("near.wav");
        var echo = Optional("echo.wav");
        var noise = Optional("noise.wav");
        var output = WavReader.ReadAllChannels(outWavPath, out var outFormat);
        if (outFormat.SampleRate != sr)
            throw new InvalidDataException($"{outWavPath}: sample rate {outFormat.SampleRate} != mic {sr}");
        var m = meta with { SampleRate = sr };
        return Compute(m, mic, far, near, echo, noise, output, maxLagMs, convergenceAllowanceS, lagOverride, nsGuardS);
    }

    /// <summary>Figures from the individual signals ([channel][frame]); <paramref name="meta"/> gives rate and segments.</summary>
    public static AecQualityReport Compute(ScenarioMeta meta, IReadOnlyList<float[]> mic, IReadOnlyList<float[]>? far,
        IReadOnlyList<float[]>? near, IReadOnlyList<float[]>? echo, IReadOnlyList<float[]>? noise, IReadOnlyList<float[]> output,
        double maxLagMs = 50, double convergenceAllowanceS = 2.0, int? lagOverride = null, double? nsGuardS = null)
    {
        ArgumentNullException.ThrowIfNull(meta);
        if (mic.Count == 0) throw new ArgumentException("The mic has no channels.", nameof(mic));
        if (output.Count == 0) throw new ArgumentException("The output has no channels.", nameof(output));
        int sr = meta.SampleRate;
        int n = mic[0].Length, ch = mic.Count;
        var notes = new List<string>();
        var micD = MetricMath.Fit(mic, n, ch);
        var farD = far != null ? MetricMath.Fit(far, n, ch) : null;
        var nearD = near != null ? MetricMath.Fit(near, n, ch) : null;
        var echoD = echo != null ? MetricMath.Fit(echo, n, ch) : null;
        var noiseD = noise != null ? MetricMath.Fit(noise, n, ch) : null;
        if (output.Count != ch) notes.Add($"output has {output.Count} channels, mic has {ch}");
        if (Math.Abs(output[0].Length - n) > sr / 100) notes.Add($"output length {output[0].Length} != mic length {n}");
        var outD = MetricMath.Fit(output, n, ch);
        if (nearD == null)
        {
            nearD = MetricMath.Fit([new float[n]], n, ch);
            notes.Add("no near.wav: near assumed silent");
        }
        var segs = meta.Segments;

        // ---- lag -----------------------------------------------------------
        var (lag, corr, lagRef) = EstimateLag(sr, n, maxLagMs, lagOverride, segs, micD, nearD, outD, notes);
        for (int c = 0; c < ch; c++) outD[c] = MetricMath.Shift(outD[c], lag);

        // ---- far-end onset ---------------------------------------------------
        double onset = FarendOnset(segs, farD, sr);

        var resid = new double[ch][];
        for (int c = 0; c < ch; c++)
        {
            resid[c] = new double[n];
            for (int i = 0; i < n; i++) resid[c][i] = outD[c][i] - nearD[c][i];
        }

        // ---- ERLE ------------------------------------------------------------
        double? erle = null, erleSs = null, erleEcho = null, enr = null, feOut = null;
        var fe = MetricMath.SegmentMask(n, sr, segs, [SegmentLabel.FarendSingle], onset + convergenceAllowanceS);
        int feCount = MetricMath.Count(fe);
        if (feCount > 0)
        {
            erle = MetricMath.DbRatio(MetricMath.Energy(micD, fe), MetricMath.Energy(outD, fe));
            var ss = new bool[n];
            int seen = 0;
            for (int i = 0; i < n; i++)
            {
                if (!fe[i]) continue;
                if (seen >= feCount / 2) ss[i] = true;
                seen++;
            }
            erleSs = MetricMath.DbRatio(MetricMath.Energy(micD, ss), MetricMath.Energy(outD, ss));
            if (echoD != null) erleEcho = MetricMath.DbRatio(MetricMath.Energy(echoD, fe), MetricMath.Energy(resid, fe));
            if (echoD != null && noiseD != null) enr = MetricMath.DbRatio(MetricMath.Energy(echoD, fe), MetricMath.Energy(noiseD, fe));
            feOut = MetricMath.DbRatio(MetricMath.Energy(outD, fe) / ((double)feCount * ch), 1.0);
        }

        // ---- windowed ERLE, convergence ----------------------------------------
        var feAll = MetricMath.SegmentMask(n, sr, segs, [SegmentLabel.FarendSingle]);
        var tracker = new ErleTracker(micD, outD, echoD ?? micD, noiseD, echoD != null, feAll, sr);
        var track = tracker.Compute(onset);
        var actInFe = track.Activity.Where((_, j) => track.InFarend[j]).ToList();
        tracker.ReferenceLevel = actInFe.Count > 0 ? MetricMath.Percentile(actInFe, 95) : 0.0;
        var valid = tracker.Validity(track);
        var after = new List<double>();
        for (int j = 0; j < valid.Length; j++)
            if (valid[j] && track.Times[j] >= onset + convergenceAllowanceS - 1e-9) after.Add(track.Erle[j]);
        double? erleMedian = after.Count > 0 ? MetricMath.Median(after) : null;
        double? Conv(double[] times, double[] erl, bool[] v, double start, double thr)
            => ErleTracker.FirstRun(times, erl, v, start, thr) is double t ? Math.Max(0.0, t - start) : null;
        double? conv10 = Conv(track.Times, track.Erle, valid, onset, 10);
        double? conv20 = Conv(track.Times, track.Erle, valid, onset, 20);
        double? reconv10 = null, reconv20 = null;
        if (meta.EchoPathChangeS is double pc)
        {
            var t2 = tracker.Compute(pc);
            var v2 = tracker.Validity(t2);
            reconv10 = Conv(t2.Times, t2.Erle, v2, pc, 10);
            reconv20 = Conv(t2.Times, t2.Erle, v2, pc, 20);
        }
        var series = track.Times.Select((t, j) => new ErleWindow(t, track.Erle[j], valid[j])).ToArray();

        // ---- double talk -------------------------------------------------------
        double? dtSdr = null, dtSdrMic = null, dtImp = null, dtSupp = null, dtGain = null;
        var dt = MetricMath.SegmentMask(n, sr, segs, [SegmentLabel.Doubletalk]);
        if (MetricMath.Count(dt) > 0 && MetricMath.Energy(nearD, dt) > 0)
        {
            (dtSdr, dtGain) = MetricMath.SiSdr(outD, nearD, dt);
            (dtSdrMic, _) = MetricMath.SiSdr(micD, nearD, dt);
            dtImp = dtSdr is double a && dtSdrMic is double b ? a - b : null;
            if (echoD != null) dtSupp = MetricMath.DbRatio(MetricMath.Energy(echoD, dt), MetricMath.Energy(resid, dt));
        }

        // ---- near-end single talk ------------------------------------------------
        double guard = nsGuardS ?? (meta.DelayMs is double dms && meta.RirMs is double rms ? (dms + rms) / 1000.0 + 0.05 : 0.3);
        var ns = MetricMath.SegmentMask(n, sr, segs, [SegmentLabel.NearendSingle]);
        int guardSamples = MetricMath.SecondsToSample(guard, sr);
        foreach (var s in segs)
        {
            if (!FarLike.Contains(s.Label)) continue;
            int a = Math.Max(0, MetricMath.SecondsToSample(s.EndS, sr));
            int b = Math.Max(0, Math.Min(n, a + guardSamples));
            for (int i = a; i < b; i++) ns[i] = false;
        }
        double? nsExcluded = null;
        if (echoD != null && MetricMath.Count(ns) > 0 && MetricMath.Energy(nearD, ns) > 0)
        {
            int frame = Math.Max(1, (int)Math.Round(0.02 * sr, MidpointRounding.ToEven));
            double nearMs = MetricMath.Energy(nearD, ns) / ((double)MetricMath.Count(ns) * ch);
            int excluded = 0;
            for (int a = 0; a < n; a += frame)
            {
                int len = Math.Min(frame, n - a);
                double ef = MetricMath.Energy(echoD, a, len) / ((double)frame * ch);
                if (ef <= 1e-3 * nearMs) continue;
                for (int i = a; i < a + len; i++)
                {
                    if (ns[i]) excluded++;
                    ns[i] = false;
                }
            }
            nsExcluded = (double)excluded / sr;
        }
        double nsUsed = (double)MetricMath.Count(ns) / sr;
        double? nsSdr = null, nsSdrMic = null, nsLevel = null, nsGain = null;
        if (MetricMath.Count(ns) > 0 && MetricMath.Energy(nearD, ns) > 0)
        {
            (nsSdr, nsGain) = MetricMath.SiSdr(outD, nearD, ns);
            (nsSdrMic, _) = MetricMath.SiSdr(micD, nearD, ns);
            nsLevel = MetricMath.DbRatio(MetricMath.Energy(outD, ns), MetricMath.Energy(micD, ns));
        }

        var sil = MetricMath.SegmentMask(n, sr, segs, [SegmentLabel.Silence]);
        int silCount = MetricMath.Count(sil);
        double? silence = silCount > 0 ? MetricMath.DbRatio(MetricMath.Energy(outD, sil) / ((double)silCount * ch), 1.0) : null;

        static double? R(double? v) => MetricMath.Round3(v);
        return new AecQualityReport(
            LagMs: Math.Round(1000.0 * lag / sr, 3),
            ErleDb: R(erle), ErleSteadyStateDb: R(erleSs),
            Conv10DbS: R(conv10), Conv20DbS: R(conv20), Reconv10DbS: R(reconv10), Reconv20DbS: R(reconv20),
            DtSiSdrDb: R(dtSdr), DtSiSdrMicDb: R(dtSdrMic), DtSiSdrImprovementDb: R(dtImp), DtNearGainDb: R(dtGain),
            NsSiSdrDb: R(nsSdr), NsLevelChangeDb: R(nsLevel), SilenceOutDbfs: R(silence), ErleMedianDb: R(erleMedian),
            LagSamples: lag, LagReference: lagRef, LagCorrelation: R(corr), FarendOnsetS: Math.Round(onset, 3),
            ErleEchoDb: R(erleEcho), EnrDb: R(enr), FarendOutDbfs: R(feOut), DtEchoSuppressionDb: R(dtSupp),
            NsSiSdrMicDb: R(nsSdrMic), NsNearGainDb: R(nsGain), NsGuardS: Math.Round(guard, 3),
            NsEchoExcludedS: R(nsExcluded), NsUsedS: Math.Round(nsUsed, 3), ErleSeries: series, Notes: notes);
    }

    private static (int Lag, double? Corr, string Ref) EstimateLag(int sr, int n, double maxLagMs, int? lagOverride,
        IReadOnlyList<ScenarioSegment> segs, double[][] mic, double[][] near, double[][] output, List<string> notes)
    {
        if (lagOverride is int forced) return (forced, null, "override");
        int maxLag = (int)Math.Round(sr * maxLagMs / 1000, MidpointRounding.ToEven);
        var sos = LagEstimator.LagBandPass(sr);
        var o1 = LagEstimator.BandPassedSum(output, sos);
        var nearAct = MetricMath.SegmentMask(n, sr, segs, [SegmentLabel.NearendSingle, SegmentLabel.Doubletalk]);
        var nsOnly = MetricMath.SegmentMask(n, sr, segs, [SegmentLabel.NearendSingle]);
        int nsCount = MetricMath.Count(nsOnly);
        var lagMask = nsCount > 0 && MetricMath.Energy(near, nsOnly) > 1e-8 * nsCount ? nsOnly : nearAct;
        int maskCount = MetricMath.Count(lagMask);
        int lag;
        double corr;
        string lagRef;
        if (maskCount > 0 && MetricMath.Energy(near, lagMask) > 1e-8 * maskCount)
        {
            var r1 = LagEstimator.BandPassedSum(near, sos);
            for (int i = 0; i < n; i++)
            {
                if (lagMask[i]) continue;
                o1[i] = 0;
                r1[i] = 0;
            }
            (lag, corr) = LagEstimator.CrossCorrelationLag(o1, r1, maxLag);
            lagRef = "near";
        }
        else
        {
            (lag, corr) = LagEstimator.CrossCorrelationLag(o1, LagEstimator.BandPassedSum(mic, sos), maxLag);
            lagRef = "mic";
        }
        if (Math.Abs(corr) < 0.05)
        {
            notes.Add($"weak lag correlation ({corr:F3}); lag set to 0");
            lag = 0;
        }
        return (lag, corr, lagRef);
    }

    private static double FarendOnset(IReadOnlyList<ScenarioSegment> segs, double[][]? far, int sr)
    {
        var feLike = segs.Where(s => FarLike.Contains(s.Label)).ToList();
        if (feLike.Count > 0) return feLike.Min(s => s.StartS);
        if (far == null) return 0.0;
        int n = far[0].Length;
        var e = new double[n];
        double max = 0;
        for (int i = 0; i < n; i++)
        {
            foreach (var c in far) e[i] += Math.Abs(c[i]);
            max = Math.Max(max, e[i]);
        }
        double thr = 1e-3 * (max + 1e-30);
        for (int i = 0; i < n; i++) if (e[i] > thr) return (double)i / sr;
        return 0.0;
    }
}
