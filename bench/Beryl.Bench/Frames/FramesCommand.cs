using System.Globalization;
using Beryl.Bench.Speex;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Beryl.Bench.Frames;

/// <summary><c>frames</c>: runs <see cref="FrameBenchmarks"/> and prints the ratio against speex.</summary>
internal static class FramesCommand
{
    public static int Run(string[] args)
    {
        if (!SpeexNative.IsAvailable)
            Console.WriteLine($"install libspeexdsp1 ({SpeexNative.UnavailableReason}); the speex column is skipped.");

        var config = ShortJob.Config()
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));

        var summary = BenchmarkRunner.Run<FrameBenchmarks>(config, args);
        PrintRatios(summary);
        return summary.HasCriticalValidationErrors ? 1 : 0;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static void PrintRatios(Summary summary)
    {
        // Medians (and minima) rather than means: the machine is shared, and load spikes only ever add time.
        var means = new Dictionary<string, double>();
        var mins = new Dictionary<string, double>();
        var cases = new List<FrameCase>();
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is null)
                continue;
            if (report.BenchmarkCase.Parameters["Case"] is not FrameCase c)
                continue;
            means[c.ToString()] = report.ResultStatistics.Median / 1000.0; // ns -> us per frame
            mins[c.ToString()] = report.ResultStatistics.Min / 1000.0;
            cases.Add(c);
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("## µs per 10 ms frame, ratio vs speex (same tail)");
        Console.WriteLine();
        Console.WriteLine("| case | µs/frame (median) | min | % of real time | speex (same tail) µs/frame | ratio vs speex |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var c in cases.Where(c => !c.IsSpeex))
        {
            double us = means[c.ToString()];
            string speexKey = new FrameCase("Speex", c.SampleRate, c.Channels, true, c.TailMs).ToString();
            string speex = means.TryGetValue(speexKey, out double s) ? s.ToString("0.0", inv) : "n/a";
            string ratio = means.ContainsKey(speexKey) ? (us / s).ToString("0.00", inv) + "x" : "n/a";
            Console.WriteLine(string.Create(inv, $"| {c} ({c.TailMs} ms) | {us:0.0} | {mins[c.ToString()]:0.0} | {us / 100.0:0.00}% | {speex} | {ratio} |"));
        }

        foreach (var c in cases.Where(c => c.IsSpeex))
            Console.WriteLine(string.Create(inv, $"| {c} | {means[c.ToString()]:0.0} | {mins[c.ToString()]:0.0} | {means[c.ToString()] / 100.0:0.00}% | | |"));
        Console.WriteLine();
        Console.WriteLine("Beryl is timed on its float API, speex on its native 16-bit API; both include the residual echo suppressor.");
        Console.WriteLine(string.Create(inv, $"Ratios use medians. Load average when done: {LoadAverage()} on {Environment.ProcessorCount} cores."));
    }
}
