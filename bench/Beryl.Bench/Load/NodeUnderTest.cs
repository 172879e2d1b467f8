using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Beryl.Aec;
using Beryl.Media.Node;
using Beryl.Media.WebRtc;
using Beryl.Signaling;

namespace Beryl.Bench.Load;

/// <summary>
/// The echo node the load runs against, Full 16 kHz canceller and Opus on every leg: a <c>beryl listen</c> process, so
/// its CPU time and memory are its own, or a node in this process (whose figures then include the load generator).
/// Read through <c>/proc</c> and the node's <c>/healthz</c> and <c>/stats</c>.
/// </summary>
internal sealed partial class NodeUnderTest : IAsyncDisposable
{
    // Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat, is 100 on every architecture .NET runs on.
    private const double ClockTicksPerSecond = 100;
    private const int Sigterm = 15;

    private readonly HttpClient _http;
    private readonly Process? _process;
    private readonly ConcurrentQueue<string> _problems;
    private readonly MediaNode? _node;
    private readonly SignalingServer? _server;

    private NodeUnderTest(Uri baseAddress, int processId, Process? process, ConcurrentQueue<string> problems, MediaNode? node, SignalingServer? server)
    {
        _problems = problems;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        ProcessId = processId;
        _process = process;
        _node = node;
        _server = server;
    }

    public int ProcessId { get; }

    public bool IsSeparateProcess => _process is not null;

    public Uri WebSocketUri => new UriBuilder(_http.BaseAddress!) { Scheme = "ws", Path = "/ws" }.Uri;

    /// <summary>Warnings and errors the node logged, and how it exited.</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    public static async Task<NodeUnderTest> StartProcessAsync(string berylDll, int maxCalls, bool fixedComplexity)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { berylDll, "listen", "--port", "0", "--mode", "echo", "--aec", "full", "--log-level", "Warning",
                     "--max-sessions", Count(maxCalls), "--max-per-address", Count(maxCalls) })
            start.ArgumentList.Add(arg);
        if (fixedComplexity)
            start.ArgumentList.Add("--fixed-complexity");
        var process = Process.Start(start) ?? throw new IOException("dotnet could not be started");
        var problems = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && IsProblem(line))
                problems.Enqueue(line);
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                // The rest of stdout is the node's goodbye; read so that a full pipe never blocks it.
                _ = process.StandardOutput.ReadToEndAsync();
                return new NodeUnderTest(new Uri(match.Groups[1].Value), process.Id, process, problems, null, null);
            }
        }
        process.Kill();
        throw new IOException($"beryl listen did not start: {string.Join(" / ", problems)}");
    }

    public static async Task<NodeUnderTest> StartInProcessAsync(int maxCalls, bool fixedComplexity)
    {
        var node = new MediaNode(new MediaNodeOptions
        {
            AdaptEncoderComplexity = !fixedComplexity,
            Mode = NodeMode.Echo,
            EchoCanceller = new EchoCancellerOptions { SampleRate = 16000, Mode = AecMode.Full },
            MaxSessions = maxCalls,
            PeerConfiguration = new RTCConfiguration { LoopbackOnly = true },
        });
        var server = await SignalingServer.StartAsync(
            new SignalingServerOptions { Port = 0, Limits = new SignalingLimits { MaxSessionsPerAddress = maxCalls } }, node);
        return new NodeUnderTest(server.BaseAddress, Environment.ProcessId, null, new ConcurrentQueue<string>(), node, server);
    }

    /// <summary>User plus system CPU time the node's process has used.</summary>
    public TimeSpan CpuTime()
    {
        string stat = File.ReadAllText($"/proc/{ProcessId}/stat");
        // The command name in parentheses may hold spaces; the fields counted from 1 start after it at field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    /// <summary>Resident memory of the node's process, in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (string line in File.ReadLines($"/proc/{ProcessId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        throw new IOException($"no VmRSS in /proc/{ProcessId}/status");
    }

    public async Task<NodeHealth> HealthAsync()
    {
        using var health = JsonDocument.Parse(await _http.GetStringAsync("healthz"));
        var root = health.RootElement;
        return new NodeHealth(root.GetProperty("calls").GetInt32(), root.GetProperty("sessions").GetInt32(), root.GetProperty("lateAudioFrames").GetInt64(),
            root.GetProperty("audioLoad").GetDouble(), root.GetProperty("encoderComplexity").GetInt32());
    }

    /// <summary>The node's counters summed over its sessions.</summary>
    public async Task<NodeTotals> TotalsAsync()
    {
        using var stats = JsonDocument.Parse(await _http.GetStringAsync("stats"));
        var totals = new NodeTotals();
        foreach (var session in stats.RootElement.EnumerateArray())
        {
            var rtp = session.GetProperty("rtp");
            totals = totals with
            {
                PacketsReceived = totals.PacketsReceived + rtp.GetProperty("packetsReceived").GetInt64(),
                PacketsSent = totals.PacketsSent + rtp.GetProperty("packetsSent").GetInt64(),
                AudioErrors = totals.AudioErrors + session.GetProperty("audioErrors").GetInt64(),
                ConcealedMs = totals.ConcealedMs + (session.TryGetProperty("jitterBuffer", out var jitter) ? jitter.GetProperty("concealedMs").GetDouble() : 0),
            };
        }
        return totals;
    }

    /// <summary>Stops the node as an operator would (SIGTERM: every call gets a bye) and notes an unclean exit.</summary>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
        if (_node is not null)
            await _node.DisposeAsync();
        if (_process is null)
            return;
        if (Kill(_process.Id, Sigterm) != 0)
            _problems.Enqueue($"SIGTERM failed (errno {Marshal.GetLastPInvokeError()})");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            if (_process.ExitCode != 0)
                _problems.Enqueue($"beryl listen exited with {_process.ExitCode}");
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            _problems.Enqueue("beryl listen did not stop within 20 s of SIGTERM and was killed");
        }
        _process.Dispose();
    }

    /// <summary>A log line at warning level or above, or an exception; not the node's own "shutting down" notes.</summary>
    private static bool IsProblem(string stderrLine) =>
        stderrLine.Contains(" warn: ", StringComparison.Ordinal) || stderrLine.Contains(" fail: ", StringComparison.Ordinal)
        || stderrLine.Contains(" crit: ", StringComparison.Ordinal) || stderrLine.Contains("Exception", StringComparison.Ordinal);

    private static string Count(int calls) => (calls + 8).ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"listening on (http://\S+/)")]
    private static partial Regex ListeningLine();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>The node's <c>/healthz</c>.</summary>
internal readonly record struct NodeHealth(int Calls, int Sessions, long LateAudioFrames, double AudioLoad, int EncoderComplexity);

/// <summary>The node's <c>/stats</c> summed over its sessions.</summary>
internal readonly record struct NodeTotals(long PacketsReceived, long PacketsSent, long AudioErrors, double ConcealedMs);
