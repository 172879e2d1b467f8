using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Beryl.Bench;

/// <summary>The BenchmarkDotNet configuration every micro-benchmark command shares.</summary>
internal static class ShortJob
{
    /// <summary>
    /// In-process and short: a command's cases finish in minutes on 2 cores, and no separate benchmark project is
    /// generated and built next to other work in the repository.
    /// </summary>
    public static ManualConfig Config()
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(8)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
            .WithId("short");

        return ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub)
            .WithOption(ConfigOptions.DisableOptimizationsValidator, false)
            .WithOption(ConfigOptions.JoinSummary, true)
            .WithArtifactsPath(ArtifactsPath());
    }

    /// <summary>bench/Beryl.Bench/BenchmarkDotNet.Artifacts (git-ignored), whatever the working folder.</summary>
    private static string ArtifactsPath()
    {
        string? repo = Quality.QualityCommand.FindRepoRoot();
        return repo is null
            ? Path.GetFullPath("BenchmarkDotNet.Artifacts")
            : Path.Combine(repo, "bench", "Beryl.Bench", "BenchmarkDotNet.Artifacts");
    }
}
