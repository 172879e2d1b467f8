using System.Globalization;
using Beryl.Bench.Speex;
using Beryl.Media.Codecs.Opus;
using BenchmarkDotNet.Running;

namespace Beryl.Bench.Call;

/// <summary><c>call</c>: runs <see cref="CallBenchmarks"/> and prints µs per 10 ms, the share of real time and the ratio to speex's canceller.</summary>
internal static class CallCommand
{
    public static int Run(string[] args)
    {
        if (!OpusLibrary.IsAvailable)
        {
            Console.Error.WriteLine($"Beryl.Bench call: {OpusLibrary.LoadError}");
            return 1;
        }
        if (!SpeexNative.IsAvailable)
            Console.WriteLine($"install libspeexdsp1 ({SpeexNative.UnavailableReason}); the speex anchor is skipped.");

        var config = ShortJob.Config().AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        var summary = BenchmarkRunner.Run<CallBenchmarks>(config, args);
        var medians = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => (string)r.BenchmarkCase.Parameters["Case"], r => r.ResultStatistics!.Median / 1000);

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("Whole call audio per 10 ms at 48 kHz mono: capture + canceller + Opus encode (32 kbit/s) + jitter buffer + Opus decode + render.");
        Console.WriteLine("| case | µs per 10 ms (median) | % of real time | ratio to speex AEC alone |");
        Console.WriteLine("|---|---:|---:|---:|");
        medians.TryGetValue("SpeexAec", out double speex);
        foreach (var (name, median) in medians)
        {
            string ratio = speex > 0 ? (median / speex).ToString("0.00", inv) + "x" : "n/a";
            Console.WriteLine(string.Create(inv, $"| {name} | {median:0.0} | {median / 100:0.00}% | {ratio} |"));
        }
        return summary.HasCriticalValidationErrors ? 1 : 0;
    }
}
