using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Beryl.Bench.Rtp;

/// <summary><c>rtp</c>: runs <see cref="RtpBenchmarks"/> in process and prints ns per packet.</summary>
internal static class RtpCommand
{
    public static int Run(string[] args)
    {
        // In-process like `frames`: no generated project is built next to other work in the repository
        // (a `--job` option adds BenchmarkDotNet's own job, which does build one).
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(8)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(200))
            .WithId("short");

        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub)
            .WithOption(ConfigOptions.JoinSummary, true)
            .WithArtifactsPath(Path.Combine(Quality.QualityCommand.FindRepoRoot() ?? ".", "bench", "Beryl.Bench", "BenchmarkDotNet.Artifacts"));

        var summary = BenchmarkRunner.Run<RtpBenchmarks>(config, args);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("| operation | packet | job | ns/packet (median) | min |");
        Console.WriteLine("|---|---|---|---:|---:|");
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is null)
                continue;
            string packet = report.BenchmarkCase.Parameters["CsrcAndAudioLevel"] is true ? "CSRC + audio level" : "12-byte header";
            Console.WriteLine(string.Create(inv,
                $"| {report.BenchmarkCase.Descriptor.WorkloadMethod.Name} | {packet} + 160 B | {report.BenchmarkCase.Job.Id} | {report.ResultStatistics.Median:0.0} | {report.ResultStatistics.Min:0.0} |"));
        }

        return summary.HasCriticalValidationErrors ? 1 : 0;
    }
}
