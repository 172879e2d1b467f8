using System.CommandLine;
using Beryl.Media.Audio;
using Beryl.Media.Processing;

namespace Beryl.Cli;

/// <summary>
/// The <c>beryl</c> command line: <c>aec</c>, <c>vectors</c> and <c>metrics</c>. Runs in-process so that
/// tests can call <see cref="Run(string[], TextWriter, TextWriter)"/> directly.
/// </summary>
public static class BerylCli
{
    /// <summary>Exit code of a successful run.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code when the command failed (bad input file, cannot write, ...).</summary>
    public const int ExitFailure = 1;

    /// <summary>Exit code when the command line itself is wrong (unknown or missing options).</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code after Ctrl+C.</summary>
    public const int ExitCancelled = 130;

    /// <summary>Runs the command line non-interactively, writing to the given writers.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Normal output.</param>
    /// <param name="stderr">Error messages.</param>
    /// <returns>The exit code: 0 success, 1 failure, 2 usage error.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, new CliContext(stdout, stderr));

    /// <summary>Runs the command line in the given context.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="context">Writers, terminal and cancellation.</param>
    /// <returns>The exit code: 0 success, 1 failure, 2 usage error, 130 cancelled.</returns>
    public static int Run(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);

        var root = new RootCommand("Beryl acoustic echo canceller: process files, generate test vectors, measure quality, run a media node, make calls.")
        {
            AecCommand.Create(context),
            VectorsCommand.Create(context),
            MetricsCommand.Create(context),
            ListenCommand.Create(context),
            CallCommand.Create(context),
        };

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            foreach (var error in parse.Errors)
                context.Error.WriteLine($"beryl: {OneLine(error.Message)}");
            string name = parse.CommandResult.Command == root ? "beryl" : $"beryl {parse.CommandResult.Command.Name}";
            context.Error.WriteLine($"Run '{name} --help' for usage.");
            return ExitUsage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };
        return Guard(context, () => parse.Invoke(invocation));
    }

    /// <summary>
    /// Runs <paramref name="body"/> and turns every exception into a one-line message on stderr and an
    /// exit code; never lets a stack trace reach the user.
    /// </summary>
    internal static int Guard(CliContext context, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CliException ex)
        {
            return Fail(context, ex.Message, ex.ExitCode);
        }
        catch (OperationCanceledException)
        {
            return Fail(context, "cancelled; no output was written.", ExitCancelled);
        }
        catch (OfflineProcessingException ex)
        {
            return Fail(context, ex.Message, ExitFailure);
        }
        catch (WavFormatException ex)
        {
            return Fail(context, ex.Message, ExitFailure);
        }
        catch (FileNotFoundException ex)
        {
            return Fail(context, ex.FileName is { } f ? $"'{f}' does not exist." : ex.Message, ExitFailure);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or FormatException or NotSupportedException)
        {
            return Fail(context, ex.Message, ExitFailure);
        }
        catch (Exception ex)
        {
            return Fail(context, $"unexpected {ex.GetType().Name}: {ex.Message}", ExitFailure);
        }
    }

    internal static int Fail(CliContext context, string message, int exitCode)
    {
        context.Error.WriteLine($"beryl: {OneLine(message)}");
        return exitCode;
    }

    /// <summary>Collapses a message onto one line.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>A failure the CLI reports with its own message and exit code.</summary>
internal sealed class CliException(string message, int exitCode = BerylCli.ExitFailure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
