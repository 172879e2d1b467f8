using System.Text.Json.Nodes;

namespace Beryl.TestVectors;

/// <summary>One 200 ms window of the ERLE track.</summary>
/// <param name="TimeS">Window start, seconds.</param>
/// <param name="ErleDb">10log10(mic energy / output energy) in the window (0 when both are silent).</param>
/// <param name="Valid">Whether the window counts for convergence (far-end only, enough echo).</param>
public readonly record struct ErleWindow(double TimeS, double ErleDb, bool Valid);

/// <summary>
/// AEC quality figures of one output against one scenario, defined as in the reference tool
/// shared/tools/aecmetrics.py (same names in snake_case there). Values in dB are clamped to
/// [-100, 100]; null means "not applicable" (segment type absent) or "never reached" (convergence).
/// All values are rounded to 3 decimals like the reference tool.
/// </summary>
/// <param name="LagMs">Lag of the output re the mic that was compensated, ms.</param>
/// <param name="ErleDb">ERLE (mic/out energy) on far-end-only samples after the convergence allowance.</param>
/// <param name="ErleSteadyStateDb">ERLE on the last half of those samples.</param>
/// <param name="Conv10DbS">Time from far-end onset until ERLE stays above 10 dB for 1 s of valid windows.</param>
/// <param name="Conv20DbS">Same for 20 dB.</param>
/// <param name="Reconv10DbS">Like <paramref name="Conv10DbS"/> but counted from the echo path change.</param>
/// <param name="Reconv20DbS">Like <paramref name="Conv20DbS"/> but counted from the echo path change.</param>
/// <param name="DtSiSdrDb">SI-SDR of the output against the near-end speech in double talk.</param>
/// <param name="DtSiSdrMicDb">SI-SDR of the mic against the near-end speech in double talk (no-AEC baseline).</param>
/// <param name="DtSiSdrImprovementDb"><paramref name="DtSiSdrDb"/> minus <paramref name="DtSiSdrMicDb"/>.</param>
/// <param name="DtNearGainDb">Projection gain of the near-end speech in the output during double talk, dB.</param>
/// <param name="NsSiSdrDb">SI-SDR of the output against the near-end speech in near-end single talk (guarded).</param>
/// <param name="NsLevelChangeDb">Output re mic energy in near-end single talk, dB.</param>
/// <param name="SilenceOutDbfs">Output level in silence segments, dBFS.</param>
/// <param name="ErleMedianDb">Median of the valid 200 ms window ERLEs after the allowance.</param>
/// <param name="LagSamples">Compensated lag in samples (positive: output late).</param>
/// <param name="LagReference">What the lag was measured against: "near", "mic" or "override".</param>
/// <param name="LagCorrelation">Normalised correlation at the chosen lag (null with an override).</param>
/// <param name="FarendOnsetS">Start of far-end activity, seconds.</param>
/// <param name="ErleEchoDb">10log10(echo energy / residual (out - near) energy) on the ERLE samples.</param>
/// <param name="EnrDb">Echo-to-noise ratio on the ERLE samples (scenarios with noise).</param>
/// <param name="FarendOutDbfs">Output level on the ERLE samples, dBFS.</param>
/// <param name="DtEchoSuppressionDb">10log10(echo energy / residual energy) in double talk.</param>
/// <param name="NsSiSdrMicDb">SI-SDR of the mic against near in near-end single talk (ceiling).</param>
/// <param name="NsNearGainDb">Projection gain of the near-end speech in near-end single talk, dB.</param>
/// <param name="NsGuardS">Interval left out after each far-end activity end, seconds.</param>
/// <param name="NsEchoExcludedS">Near-end-only time left out because echo was still audible, seconds.</param>
/// <param name="NsUsedS">Near-end-only time the ns_* figures use, seconds.</param>
/// <param name="ErleSeries">The 200 ms ERLE track from the far-end onset.</param>
/// <param name="Notes">Warnings (length/channel mismatch, weak lag correlation, ...).</param>
public sealed record AecQualityReport(
    double LagMs,
    double? ErleDb,
    double? ErleSteadyStateDb,
    double? Conv10DbS,
    double? Conv20DbS,
    double? Reconv10DbS,
    double? Reconv20DbS,
    double? DtSiSdrDb,
    double? DtSiSdrMicDb,
    double? DtSiSdrImprovementDb,
    double? DtNearGainDb,
    double? NsSiSdrDb,
    double? NsLevelChangeDb,
    double? SilenceOutDbfs,
    double? ErleMedianDb,
    int LagSamples,
    string LagReference,
    double? LagCorrelation,
    double FarendOnsetS,
    double? ErleEchoDb,
    double? EnrDb,
    double? FarendOutDbfs,
    double? DtEchoSuppressionDb,
    double? NsSiSdrMicDb,
    double? NsNearGainDb,
    double NsGuardS,
    double? NsEchoExcludedS,
    double NsUsedS,
    IReadOnlyList<ErleWindow> ErleSeries,
    IReadOnlyList<string> Notes)
{
    /// <summary>The figures as a JSON object with the reference tool's key names.</summary>
    public JsonObject ToJsonObject(bool includeSeries = false)
    {
        var o = new JsonObject
        {
            ["lag_samples"] = LagSamples,
            ["lag_ms"] = LagMs,
            ["lag_ref"] = LagReference,
            ["lag_corr"] = LagCorrelation,
            ["farend_onset_s"] = FarendOnsetS,
            ["erle_db"] = ErleDb,
            ["erle_ss_db"] = ErleSteadyStateDb,
            ["erle_echo_db"] = ErleEchoDb,
            ["enr_db"] = EnrDb,
            ["farend_out_dbfs"] = FarendOutDbfs,
            ["erle_median_db"] = ErleMedianDb,
            ["conv_10db_s"] = Conv10DbS,
            ["conv_20db_s"] = Conv20DbS,
            ["reconv_10db_s"] = Reconv10DbS,
            ["reconv_20db_s"] = Reconv20DbS,
            ["dt_sisdr_db"] = DtSiSdrDb,
            ["dt_sisdr_mic_db"] = DtSiSdrMicDb,
            ["dt_sisdr_improvement_db"] = DtSiSdrImprovementDb,
            ["dt_echo_suppression_db"] = DtEchoSuppressionDb,
            ["dt_near_gain_db"] = DtNearGainDb,
            ["ns_guard_s"] = NsGuardS,
            ["ns_echo_excluded_s"] = NsEchoExcludedS,
            ["ns_used_s"] = NsUsedS,
            ["ns_sisdr_db"] = NsSiSdrDb,
            ["ns_sisdr_mic_db"] = NsSiSdrMicDb,
            ["ns_level_change_db"] = NsLevelChangeDb,
            ["ns_near_gain_db"] = NsNearGainDb,
            ["silence_out_dbfs"] = SilenceOutDbfs,
            ["notes"] = new JsonArray(Notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        };
        if (includeSeries)
        {
            var s = new JsonArray();
            foreach (var w in ErleSeries)
                s.Add(new JsonArray(Math.Round(w.TimeS, 2), Math.Round(w.ErleDb, 2), w.Valid));
            o["erle_series"] = s;
        }
        return o;
    }
}
