using System.Runtime.InteropServices;

namespace Beryl.Cli;

/// <summary>Process entry point: wires the real console and Ctrl+C to <see cref="BerylCli"/>.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C: stop cleanly (temporary files are removed); a second one kills the process.
            if (!cts.IsCancellationRequested)
            {
                e.Cancel = true;
                cts.Cancel();
            }
        };
        // A service manager (or a benchmark driving `beryl listen`) stops with SIGTERM: the node ends its calls with a bye.
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            cts.Cancel();
        });

        TextWriter? terminal = !Console.IsErrorRedirected ? Console.Error
            : !Console.IsOutputRedirected ? Console.Out
            : null;
        var context = new CliContext(Console.Out, Console.Error)
        {
            ProgressWriter = terminal,
            CancellationToken = cts.Token,
        };
        return BerylCli.Run(args, context);
    }
}
