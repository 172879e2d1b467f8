using System.Diagnostics;

namespace Beryl.Signaling.Tests.EndToEnd;

/// <summary>A <c>beryl</c> command run as its own process (the CLI copied next to the tests), with its output kept.</summary>
internal sealed class BerylProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly string _name;

    private BerylProcess(string name, Process process)
    {
        _name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static BerylProcess Start(string name, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestContext.CurrentContext.TestDirectory,
        };
        info.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "beryl.dll"));
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return new BerylProcess(name, Process.Start(info) ?? throw new InvalidOperationException($"cannot start beryl {name}"));
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_stdout)
            lock (_stderr)
                return $"--- beryl {_name} stdout:\n{string.Join('\n', _stdout)}\n--- stderr:\n{string.Join('\n', _stderr)}";
        }
    }

    /// <summary>The first stdout line containing <paramref name="text"/>, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            lock (_stdout)
            {
                if (_stdout.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal)) is { } found)
                    return found;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"beryl {_name} did not print '{text}'\n{Output}");
        return "";
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"beryl {_name} did not end within {timeout}\n{Output}");
        }
        // The asynchronous readers may still hold the last lines.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Ctrl+C: the process shuts down as it would on a terminal.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill?.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private static void Keep(List<string> lines, string? line)
    {
        if (line is null)
            return;
        lock (lines)
            lines.Add(line);
    }
}
