using Beryl.Bench.Call;
using Beryl.Bench.Frames;
using Beryl.Bench.Load;
using Beryl.Bench.Opus;
using Beryl.Bench.Quality;
using Beryl.Bench.Resampling;
using Beryl.Bench.Rtp;
using Beryl.Bench.Srtp;
using Beryl.Bench.WebRtc;

namespace Beryl.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Beryl.Bench -- frames [BenchmarkDotNet args]</c>: µs per 10 ms frame.
/// <c>… -- srtp</c>: SRTP protect+unprotect per packet against libsrtp2; <c>… -- connect [--calls N]</c>: call set-up time.
/// <c>… -- rtp</c>: ns per RTP header parse and write; <c>… -- resample</c>: µs per 10 ms frame of rate conversion.
/// <c>… -- opus</c>: µs per 20 ms Opus frame encoded and decoded; <c>… -- call</c>: the whole audio cost of a call per 10 ms.
/// <c>… -- load [--calls N | --sweep 10,25,…] [--node-process] [--fixed-complexity]</c>: N concurrent echo calls against a node, CPU, loss, memory.
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
                "srtp" => SrtpCommand.Run(rest),
                "connect" => ConnectCommand.Run(rest),
                "rtp" => RtpCommand.Run(rest),
                "resample" => ResampleCommand.Run(rest),
                "opus" => OpusCommand.Run(rest),
                "call" => CallCommand.Run(rest),
                "load" => LoadCommand.Run(rest),
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
        Console.Error.WriteLine("       Beryl.Bench srtp [BenchmarkDotNet options]: ns per SRTP packet, Beryl vs libsrtp2");
        Console.Error.WriteLine("       Beryl.Bench connect [--calls N]: setRemoteDescription to connected, two peers on loopback");
        Console.Error.WriteLine("       Beryl.Bench rtp [BenchmarkDotNet options]: ns per RTP header parse and write");
        Console.Error.WriteLine("       Beryl.Bench resample [BenchmarkDotNet options]: µs per 10 ms frame of rate conversion");
        Console.Error.WriteLine("       Beryl.Bench opus [BenchmarkDotNet options]: µs per 20 ms Opus frame encoded and decoded (libopus)");
        Console.Error.WriteLine("       Beryl.Bench call [BenchmarkDotNet options]: the whole audio cost of a call per 10 ms at 48 kHz");
        Console.Error.WriteLine("       Beryl.Bench load [--calls N | --sweep 10,25,50] [--seconds S] [--ramp R] [--node-process] [--fixed-complexity]: concurrent echo calls against a node");
        Console.Error.WriteLine("       Beryl.Bench quality [--vectors DIR ...] [--md report.md] [--seed N] [--only TEXT] [--keep DIR]");
        return 2;
    }
}
