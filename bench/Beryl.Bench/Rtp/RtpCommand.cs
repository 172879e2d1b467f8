using System.Globalization;
using BenchmarkDotNet.Running;

namespace Beryl.Bench.Rtp;

/// <summary><c>rtp</c>: runs <see cref="RtpBenchmarks"/> in process and prints ns per packet.</summary>
internal static class RtpCommand
{
    public static int Run(string[] args)
    {
        // A `--job` option would add BenchmarkDotNet's own out-of-process job, which builds a generated project.
        var config = ShortJob.Config().AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);

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
