using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Beryl.Media.Tests.Interop;

/// <summary>
/// Runs <c>aiortc_peer.py</c> under Debian's python3 and talks to it over its JSON-lines signaling. Skips the test when
/// aiortc is not installed, unless <c>BERYL_REQUIRE_INTEROP=1</c> (set by <c>.ci/run</c>) makes that a failure.
/// </summary>
internal sealed class AiortcProcess : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;
    private readonly StringWriter _stderr = new();

    private AiortcProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_stderr)
                _stderr.WriteLine(e.Data);
        };
        _process.BeginErrorReadLine();
    }

    public string RecordPath { get; private init; } = "";

    /// <summary>What the peer wrote on stderr so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Skips the test without aiortc (and, to call a node over WebSocket, python3-websockets).</summary>
    public static void RequireAiortc(bool websockets = false)
    {
        string modules = websockets ? "aiortc, websockets" : "aiortc";
        bool available = File.Exists(Python) && Run(Python, $"-c \"import {modules}\"") == 0;
        if (available)
            return;
        string packages = websockets ? "python3-aiortc and python3-websockets are" : "python3-aiortc is";
        if (Environment.GetEnvironmentVariable("BERYL_REQUIRE_INTEROP") == "1")
            Assert.Fail($"aiortc is required (BERYL_REQUIRE_INTEROP=1) but {packages} not installed");
        Assert.Ignore($"{packages} not installed");
    }

    /// <param name="role">offer or answer.</param>
    /// <param name="seconds">How long the call lasts once connected.</param>
    /// <param name="recordPath">Where the peer writes what it received.</param>
    /// <param name="signaling">Extra arguments: <c>--ws URL</c> or <c>--post URL</c> to call a Beryl node.</param>
    public static AiortcProcess Start(string role, double seconds, string recordPath, params string[] signaling)
    {
        string script = Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "aiortc_peer.py");
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { script, "--role", role, "--seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--record", recordPath }.Concat(signaling))
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("python3 did not start");
        return new AiortcProcess(process) { RecordPath = recordPath };
    }

    public async Task SendAsync(string type, string sdp)
    {
        string line = new JsonObject { ["type"] = type, ["sdp"] = sdp }.ToJsonString();
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Reads messages until one of <paramref name="type"/> arrives; an error message fails the test.</summary>
    public async Task<JsonObject> ReceiveAsync(string type, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            string? line;
            try
            {
                line = await _process.StandardOutput.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"aiortc sent no '{type}' within {timeout}; its log:\n{Log}");
            }
            if (line is null)
                throw new InvalidOperationException($"aiortc exited before sending '{type}'; its log:\n{Log}");
            var message = JsonNode.Parse(line)?.AsObject() ?? throw new JsonException($"not a JSON object: {line}");
            string? got = message["type"]?.GetValue<string>();
            if (got == type)
                return message;
            if (got == "error")
                throw new InvalidOperationException($"aiortc: {message["error"]}; its log:\n{Log}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static int Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true });
        if (process is null)
            return -1;
        process.WaitForExit();
        return process.ExitCode;
    }
}
