using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Beryl.Media.Codecs.Opus;
using Beryl.Media.Dtls;

namespace Beryl.Bench.Load;

/// <summary>
/// <c>load [--calls N | --sweep 10,25,…] [--seconds S] [--ramp R] [--node-process] [--fixed-complexity]</c>: N concurrent echo calls against
/// a fresh node per N (Opus 20 ms, Full 16 kHz canceller on every leg), ramped up R calls a second because DTLS
/// handshakes are CPU heavy, held for S seconds, then hung up. Prints first where one leg's tick goes (see
/// <see cref="NodeLegProfile"/>), then per N the node's CPU and memory, loss both ways, jitter and late audio ticks, and
/// the largest N whose loss stays under 0.5%.
/// </summary>
internal static class LoadCommand
{
    private const double LossLimitPercent = 0.5;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    // After the ramp the node's JIT is still tiering up the call path; the window starts once that has settled.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static int Run(string[] args)
    {
        var settings = Parse(args);
        if (!OpusLibrary.IsAvailable)
        {
            Console.Error.WriteLine($"Beryl.Bench load: {OpusLibrary.LoadError}");
            return 1;
        }
        string? berylDll = settings.NodeProcess ? FindBerylDll() : null;
        Console.WriteLine(settings.NodeProcess
            ? $"node: beryl listen process ({berylDll}); CPU and memory are the node's alone"
            : "node: in this process (no --node-process); CPU and memory include the load generator");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores; calls ramped {settings.CallsPerSecond:0.#}/s, measured {settings.Seconds:0} s each, echo mode, Opus 20 ms, Full AEC 16 kHz"));

        var packets = CallerPacer.EncodeSpeech();
        NodeLegProfile.Run(packets);
        Console.WriteLine();

        var results = new List<LoadResult>();
        foreach (int calls in settings.Calls)
        {
            var result = RunAsync(calls, settings, berylDll, packets).GetAwaiter().GetResult();
            results.Add(result);
            Console.WriteLine(result.Summary());
        }

        Console.WriteLine();
        LoadResult.WriteTable(Console.Out, results);
        int passing = results.Where(r => r.Passes(LossLimitPercent)).Select(r => r.Calls).DefaultIfEmpty().Max();
        int playing = results.Where(r => r.PassesPlayout(LossLimitPercent)).Select(r => r.Calls).DefaultIfEmpty().Max();
        Console.WriteLine(passing > 0
            ? $"largest N with every call connected and < {LossLimitPercent}% loss (echo, uplink and RTCP): {passing}"
            : $"no N kept every call connected with < {LossLimitPercent}% loss");
        Console.WriteLine(playing > 0
            ? $"largest N with that and < {LossLimitPercent}% of the node's playout concealed: {playing}"
            : $"no N kept the node's concealed playout under {LossLimitPercent}% as well");
        return results.Any(r => r.Problems.Count > 0) ? 1 : 0;
    }

    private static async Task<LoadResult> RunAsync(int calls, LoadSettings settings, string? berylDll, byte[][] packets)
    {
        Console.WriteLine($"{calls} calls: starting the node");
        var node = berylDll is null
            ? await NodeUnderTest.StartInProcessAsync(calls, settings.FixedComplexity)
            : await NodeUnderTest.StartProcessAsync(berylDll, calls, settings.FixedComplexity);
        var result = new LoadResult { Calls = calls, IsSeparateNode = node.IsSeparateProcess };
        await using (node)
        {
            var gaps = new ArrivalGaps();
            using var pacer = new CallerPacer(packets);
            LoadCaller[] connected = [];
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                result.IdleRssBytes = node.ResidentBytes();
                (connected, var failures) = await RampUpAsync(calls, settings.CallsPerSecond, node, pacer, gaps);
                result.Connected = connected.Length;
                result.Problems.AddRange(failures.GroupBy(f => f).Select(g => $"{g.Count()} calls failed: {g.Key}"));
                Console.WriteLine($"{calls} calls: {connected.Length} connected, measuring {settings.Seconds:0} s");

                await Task.Delay(Settle);
                gaps.Reset();
                var start = await WindowMark.TakeAsync(node, connected, pacer);
                await Task.Delay(TimeSpan.FromSeconds(settings.Seconds));
                var end = await WindowMark.TakeAsync(node, connected, pacer);
                result.Measure(start, end, gaps);
                result.LoadedRssBytes = node.ResidentBytes();
                result.Dropped = connected.Count(c => c.Dropped);
            }
            catch (Exception e) when (IsNodeGone(e))
            {
                result.Problems.Add($"the node stopped answering: {e.Message}");
            }
            finally
            {
                pacer.Clear();
                await Task.WhenAll(connected.Select(c => c.DisposeAsync().AsTask()));
            }
            try
            {
                result.SessionsLeft = await WaitForNoSessionsAsync(node);
                result.AfterRssBytes = node.ResidentBytes();
            }
            catch (Exception e) when (IsNodeGone(e))
            {
                result.Problems.Add($"the node stopped answering after the calls: {e.Message}");
            }
        }
        result.Problems.AddRange(node.Problems);
        return result;
    }

    private static async Task<(LoadCaller[] Connected, List<string> Failures)> RampUpAsync(int calls, double callsPerSecond,
        NodeUnderTest node, CallerPacer pacer, ArrivalGaps gaps)
    {
        var identity = DtlsCertificate.Generate();
        var connected = new ConcurrentQueue<LoadCaller>();
        var failures = new ConcurrentQueue<string>();
        var attempts = new List<Task>(calls);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++)
        {
            var due = TimeSpan.FromSeconds(i / callsPerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due);
            attempts.Add(Task.Run(async () =>
            {
                var (caller, error) = await LoadCaller.ConnectAsync(node.WebSocketUri, identity, gaps, ConnectTimeout);
                if (caller is null)
                {
                    failures.Enqueue(error!);
                    return;
                }
                connected.Enqueue(caller);
                pacer.Add(caller);
            }));
        }
        await Task.WhenAll(attempts);
        return ([.. connected], [.. failures]);
    }

    /// <summary>An HTTP request to the node failed or timed out, or its /proc entry is gone: it died or hangs.</summary>
    private static bool IsNodeGone(Exception e) => e is HttpRequestException or TaskCanceledException or IOException;

    /// <summary>Waits for the node to close every session after the byes; the count still open after 10 s.</summary>
    private static async Task<int> WaitForNoSessionsAsync(NodeUnderTest node)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            int sessions = (await node.HealthAsync()).Sessions;
            if (sessions == 0 || deadline.Elapsed > TimeSpan.FromSeconds(10))
                return sessions;
            await Task.Delay(250);
        }
    }

    private static string FindBerylDll()
    {
        string repo = Quality.QualityCommand.FindRepoRoot() ?? throw new IOException("--node-process: run from inside the repository");
        string dll = Path.Combine(repo, "samples", "Beryl.Cli", "bin", "Release", "net10.0", "beryl.dll");
        return File.Exists(dll) ? dll : throw new IOException($"--node-process needs {dll}: dotnet build -c Release samples/Beryl.Cli");
    }

    internal static LoadSettings Parse(string[] args)
    {
        const string usage = "usage: load [--calls N | --sweep 10,25,50] [--seconds S] [--ramp CALLS_PER_S] [--node-process] [--fixed-complexity]";
        var settings = new LoadSettings();
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            settings = args[i] switch
            {
                "--calls" when value is not null => settings with { Calls = [Positive(value)] },
                "--sweep" when value is not null => settings with { Calls = [.. value.Split(',').Select(Positive)] },
                "--seconds" when value is not null => settings with { Seconds = Positive(value) },
                "--ramp" when value is not null => settings with { CallsPerSecond = Positive(value) },
                "--node-process" => settings with { NodeProcess = true },
                "--fixed-complexity" => settings with { FixedComplexity = true },
                _ => throw new ArgumentException($"unknown argument '{args[i]}' ({usage})"),
            };
            if (args[i] is not ("--node-process" or "--fixed-complexity"))
                i++;
        }
        return settings;

        static int Positive(string text) => int.TryParse(text, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"'{text}' is not a positive whole number ({usage})");
    }

    internal sealed record LoadSettings
    {
        public int[] Calls { get; init; } = [10];

        public double Seconds { get; init; } = 60;

        public double CallsPerSecond { get; init; } = 5;

        public bool NodeProcess { get; init; }

        /// <summary>The node keeps Opus complexity 2 however busy it is (by default it lowers it under load).</summary>
        public bool FixedComplexity { get; init; }
    }
}
