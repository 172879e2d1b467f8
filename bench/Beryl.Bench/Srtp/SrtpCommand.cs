using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Beryl.Media.Srtp;

namespace Beryl.Bench.Srtp;

/// <summary><c>srtp</c>: runs <see cref="SrtpBenchmarks"/> and prints Beryl's time per packet against libsrtp's.</summary>
internal static class SrtpCommand
{
    public static int Run(string[] args)
    {
        var config = ShortJob.Config();
        if (!LibSrtpNative.IsAvailable)
        {
            Console.WriteLine($"{LibSrtpNative.UnavailableReason} The libsrtp column is skipped.");
            config = config.AddFilter(new SimpleFilter(b => b.Descriptor.WorkloadMethod.Name != nameof(SrtpBenchmarks.LibSrtp)));
        }

        var summary = BenchmarkRunner.Run<SrtpBenchmarks>(config, args);
        PrintRatios(summary);
        return summary.HasCriticalValidationErrors ? 1 : 0;
    }

    private static void PrintRatios(Summary summary)
    {
        // Medians: the machine is shared, and load only ever adds time.
        var medians = new Dictionary<(SrtpProtectionProfile Suite, string Engine), (double Median, double Min)>();
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is null || report.BenchmarkCase.Parameters["Suite"] is not SrtpProtectionProfile suite)
                continue;
            medians[(suite, report.BenchmarkCase.Descriptor.WorkloadMethod.Name)] = (report.ResultStatistics.Median, report.ResultStatistics.Min);
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("## ns per RTP packet (12-byte header, 160-byte payload), protect + unprotect");
        Console.WriteLine();
        Console.WriteLine("| suite | Beryl ns (median) | min | libsrtp ns (median) | min | Beryl / libsrtp |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var suite in medians.Keys.Select(k => k.Suite).Distinct())
        {
            var beryl = medians.GetValueOrDefault((suite, nameof(SrtpBenchmarks.Beryl)));
            bool hasLib = medians.TryGetValue((suite, nameof(SrtpBenchmarks.LibSrtp)), out var lib);
            string libText = hasLib ? string.Create(inv, $"{lib.Median:0} | {lib.Min:0}") : "n/a | n/a";
            string ratio = hasLib ? (beryl.Median / lib.Median).ToString("0.00", inv) + "x" : "n/a";
            Console.WriteLine(string.Create(inv, $"| {suite} | {beryl.Median:0} | {beryl.Min:0} | {libText} | {ratio} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Both sides include one 172-byte copy per packet; Beryl runs through .NET's OpenSSL-backed AES, AES-GCM and HMAC.");
    }
}
