using System.Globalization;
using BenchmarkDotNet.Running;

namespace Beryl.Bench.Resampling;

/// <summary><c>resample</c>: runs <see cref="ResampleBenchmarks"/> in process and prints µs per 10 ms frame.</summary>
internal static class ResampleCommand
{
    public static int Run(string[] args)
    {
        var config = ShortJob.Config().AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);

        var summary = BenchmarkRunner.Run<ResampleBenchmarks>(config, args);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("| conversion | channels | µs/10 ms frame (median) | min |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is null)
                continue;
            var parameters = report.BenchmarkCase.Parameters;
            Console.WriteLine(string.Create(inv,
                $"| {parameters["Conversion"]} | {parameters["Channels"]} | {report.ResultStatistics.Median / 1000:0.00} | {report.ResultStatistics.Min / 1000:0.00} |"));
        }

        return summary.HasCriticalValidationErrors ? 1 : 0;
    }
}
