using Beryl.Bench.Frames;
using Beryl.Bench.Quality;
using Beryl.Bench.Rtp;

namespace Beryl.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Beryl.Bench -- frames [BenchmarkDotNet args]</c>: µs per 10 ms frame.
/// <c>dotnet run -c Release --project bench/Beryl.Bench -- rtp [BenchmarkDotNet args]</c>: ns per RTP header parse and write.
/// <c>dotnet run -c Release --project bench/Beryl.Bench -- quality [--vectors DIR ...] [--md report.md]</c>: quality table.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "";
        string[] rest = args.Length > 0 ? args[1..] : [];
        try
        {
            return command switch
            {
                "frames" => FramesCommand.Run(rest),
                "quality" => QualityCommand.Run(rest),
                "rtp" => RtpCommand.Run(rest),
                _ => Usage(),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException)
        {
            Console.Error.WriteLine($"Beryl.Bench: {ex.Message}");
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Beryl.Bench frames [BenchmarkDotNet options, e.g. --filter '*']");
        Console.Error.WriteLine("       Beryl.Bench rtp [BenchmarkDotNet options]");
        Console.Error.WriteLine("       Beryl.Bench quality [--vectors DIR ...] [--md report.md] [--seed N] [--only TEXT] [--keep DIR]");
        return 2;
    }
}
