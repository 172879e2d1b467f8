using System.Globalization;
using Beryl.Media.Codecs.Opus;
using BenchmarkDotNet.Running;

namespace Beryl.Bench.Opus;

/// <summary><c>opus</c>: runs <see cref="OpusBenchmarks"/> in process and prints µs per 20 ms frame and the real-time factor.</summary>
internal static class OpusCommand
{
    public static int Run(string[] args)
    {
        if (!OpusLibrary.IsAvailable)
        {
            Console.Error.WriteLine($"Beryl.Bench opus: {OpusLibrary.LoadError}");
            return 1;
        }

        // A `--job` option would add BenchmarkDotNet's own out-of-process job, which builds a generated project.
        var config = ShortJob.Config().AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        var summary = BenchmarkRunner.Run<OpusBenchmarks>(config, args);

        var inv = CultureInfo.InvariantCulture;
        const double frameMicroseconds = 20_000;
        Console.WriteLine();
        Console.WriteLine($"{OpusLibrary.Version}, 48 kHz, 20 ms frames (real-time factor: time per frame / 20 ms)");
        Console.WriteLine("| operation | channels | complexity | µs/frame (median) | min | real-time factor |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is null)
                continue;
            double median = report.ResultStatistics.Median / 1000;
            Console.WriteLine(string.Create(inv,
                $"| {report.BenchmarkCase.Descriptor.WorkloadMethod.Name} | {report.BenchmarkCase.Parameters["Channels"]} | {report.BenchmarkCase.Parameters["Complexity"]} | {median:0.0} | {report.ResultStatistics.Min / 1000:0.0} | {median / frameMicroseconds:0.0000} |"));
        }

        return summary.HasCriticalValidationErrors ? 1 : 0;
    }
}
