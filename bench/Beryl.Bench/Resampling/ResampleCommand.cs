using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Beryl.Bench.Resampling;

/// <summary><c>resample</c>: runs <see cref="ResampleBenchmarks"/> in process and prints µs per 10 ms frame.</summary>
internal static class ResampleCommand
{
    public static int Run(string[] args)
    {
        var summary = BenchmarkRunner.Run<ResampleBenchmarks>(
            ShortJob.Config().AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default), args);
        PrintTable(summary);
        return summary.HasCriticalValidationErrors ? 1 : 0;
    }

    /// <summary>One row per conversion, mono and stereo side by side: median (minimum) µs per 10 ms frame.</summary>
    private static void PrintTable(Summary summary)
    {
        var cells = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .ToLookup(r => (string)r.BenchmarkCase.Parameters["Conversion"],
                r => (Channels: (int)r.BenchmarkCase.Parameters["Channels"], Median: r.ResultStatistics!.Median / 1000, Min: r.ResultStatistics.Min / 1000));

        Console.WriteLine();
        Console.WriteLine("| conversion | mono µs/10 ms (min) | stereo µs/10 ms (min) |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var conversion in cells)
        {
            string Cell(int channels) => conversion.Where(c => c.Channels == channels)
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Median:0.0} ({c.Min:0.0})"))
                .FirstOrDefault() ?? "-";
            Console.WriteLine($"| {conversion.Key} | {Cell(1)} | {Cell(2)} |");
        }
    }
}
