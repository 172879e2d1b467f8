namespace Beryl.Cli;

/// <summary>Where a <see cref="BerylCli"/> run writes and how it may interact.</summary>
public sealed class CliContext
{
    /// <summary>Creates a non-interactive context writing to the given writers.</summary>
    public CliContext(TextWriter stdout, TextWriter stderr)
    {
        Out = stdout ?? throw new ArgumentNullException(nameof(stdout));
        Error = stderr ?? throw new ArgumentNullException(nameof(stderr));
    }

    /// <summary>Normal output (summaries, reports).</summary>
    public TextWriter Out { get; }

    /// <summary>Error messages.</summary>
    public TextWriter Error { get; }

    /// <summary>
    /// A terminal to draw progress bars on (stderr, or stdout when only that one is a terminal), or
    /// <c>null</c> for plain output.
    /// </summary>
    public TextWriter? ProgressWriter { get; init; }

    /// <summary>Stops a running command (Ctrl+C).</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Files longer than this show a progress bar when there is a <see cref="ProgressWriter"/>.</summary>
    public TimeSpan ProgressThreshold { get; init; } = TimeSpan.FromSeconds(5);
}
