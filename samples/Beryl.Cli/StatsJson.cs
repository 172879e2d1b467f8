using System.Text.Json;
using Beryl.Aec;
using Beryl.Media.Processing;

namespace Beryl.Cli;

/// <summary>The <c>--stats</c> file of <c>beryl aec</c>: per-second statistics and a summary, snake_case JSON.</summary>
internal static class StatsJson
{
    public static byte[] Build(string mode, OfflineResult result, IReadOnlyList<SecondStatistics> seconds)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("sample_rate", result.SampleRate);
            w.WriteString("mode", mode);
            w.WriteNumber("render_channels", result.RenderChannels);
            w.WriteNumber("capture_channels", result.CaptureChannels);

            w.WriteStartArray("seconds");
            foreach (var s in seconds)
            {
                w.WriteStartObject();
                Number(w, "time_s", s.TimeS);
                Number(w, "delay_ms", s.DelayMs);
                Number(w, "delay_confidence", s.DelayConfidence);
                Number(w, "erle_db", s.ErleDb);
                Number(w, "linear_erle_db", s.LinearErleDb);
                Number(w, "double_talk", s.DoubleTalk);
                Number(w, "far_end_active", s.FarEndActive);
                w.WriteString("active_filter", FilterName(s.ActiveFilter));
                w.WriteNumber("divergence_count", s.DivergenceCount);
                w.WriteEndObject();
            }

            w.WriteEndArray();

            w.WriteStartObject("summary");
            Number(w, "duration_s", result.Seconds);
            w.WriteNumber("samples", result.Frames);
            Number(w, "wall_time_s", result.WallTime.TotalSeconds);
            Number(w, "realtime_factor", result.RealTimeFactor);
            Number(w, "us_per_frame", result.MicrosecondsPerFrame);
            if (seconds.Count > 0)
                Number(w, "double_talk", seconds.Average(s => s.DoubleTalk));
            if (result.Statistics is { } st)
            {
                Number(w, "delay_ms", st.DelayMs);
                Number(w, "delay_confidence", st.DelayConfidence);
                Number(w, "drift_ppm", st.DriftPpm);
                Number(w, "erle_db", st.ErleDb);
                Number(w, "linear_erle_db", st.LinearErleDb);
                w.WriteString("active_filter", FilterName(st.ActiveFilter));
                w.WriteNumber("divergence_count", st.DivergenceCount);
                w.WriteNumber("filter_copy_count", st.FilterCopyCount);
                w.WriteNumber("realignment_count", st.RealignmentCount);
                w.WriteNumber("frames_processed", st.FramesProcessed);
                w.WriteNumber("render_overruns", st.RenderOverruns);
                w.WriteNumber("render_underruns", st.RenderUnderruns);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string FilterName(ActiveFilter filter) => filter == ActiveFilter.Adaptive ? "adaptive" : "fixed";

    /// <summary>JSON has no NaN or infinity: those become null.</summary>
    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
            w.WriteNumber(name, Math.Round(value, 4));
        else
            w.WriteNull(name);
    }
}
