using System.Diagnostics;
using System.Globalization;
using System.Text;
using Beryl.Aec;
using Beryl.Bench.Speex;
using Beryl.Media.Processing;
using Beryl.TestVectors;

namespace Beryl.Bench.Quality;

/// <summary>
/// <c>quality [--vectors DIR ...] [--md report.md] [--seed N] [--only TEXT] [--keep DIR]</c>: runs Beryl Full,
/// Beryl Lite and speex over every scenario and prints the quality figures as a markdown table.
/// </summary>
internal static class QualityCommand
{
    private const int SpeexTailMs = 250;

    private sealed record Engine(string Name, Func<OfflineStreamFormat, IOfflineFrameProcessor>? Create, EchoCancellerOptions? Options);

    private sealed record Row(string Scenario, string Aec, AecQualityReport? Report, double UsPerFrame, string? Error);

    public static int Run(string[] args)
    {
        var roots = new List<(string Label, string Path)>();
        string? mdPath = null;
        string? only = null;
        string? keep = null;
        int seed = 1;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value.");
            switch (a)
            {
                case "--vectors":
                    string v = Next();
                    roots.Add((Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(v))), v));
                    break;
                case "--md":
                    mdPath = Next();
                    break;
                case "--seed":
                    seed = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--only":
                    only = Next();
                    break;
                case "--keep":
                    keep = Next();
                    break;
                default:
                    Console.Error.WriteLine($"quality: unknown argument '{a}'. Usage: quality [--vectors DIR ...] [--md report.md] [--seed N] [--only TEXT] [--keep DIR]");
                    return 2;
            }
        }

        string work = keep ?? Path.Combine(Path.GetTempPath(), $"beryl-quality-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            if (roots.Count == 0)
            {
                string generated = Path.Combine(work, "generated");
                Console.Error.WriteLine($"Generating the standard suite (seed {seed}) into {generated} ...");
                ScenarioSuite.WriteAll(generated, seed, null);
                roots.Add(("gen", generated));
                if (FindRepoRoot() is { } repo && Path.Combine(repo, "..", "shared", "test-vectors-dev") is var dev && Directory.Exists(dev))
                    roots.Add(("dev", Path.GetFullPath(dev)));
            }

            var scenarios = new List<(string Name, string Dir)>();
            foreach (var (label, root) in roots)
            {
                if (!Directory.Exists(root))
                {
                    Console.Error.WriteLine($"quality: the vector folder '{root}' does not exist.");
                    return 1;
                }

                foreach (string dir in FindScenarios(root))
                {
                    string name = $"{label}/{Path.GetFileName(dir)}";
                    if (only is null || name.Contains(only, StringComparison.OrdinalIgnoreCase))
                        scenarios.Add((name, dir));
                }
            }

            if (scenarios.Count == 0)
            {
                Console.Error.WriteLine("quality: no scenario folders (with far.wav and mic.wav) found.");
                return 1;
            }

            var engines = new List<Engine>
            {
                new("Beryl Full", null, new EchoCancellerOptions { Mode = AecMode.Full }),
                new("Beryl Lite", null, new EchoCancellerOptions { Mode = AecMode.Lite }),
            };
            if (SpeexNative.IsAvailable)
                engines.Add(new($"speex {SpeexTailMs}ms", f => new SpeexEchoCanceller(f.SampleRate, SpeexTailMs, f.RenderChannels, f.CaptureChannels), null));
            else
                Console.WriteLine($"install libspeexdsp1 ({SpeexNative.UnavailableReason}); the speex rows are skipped.");

            // Untimed warm-up on the first scenario so that JIT tiering does not land in the first row's µs/frame.
            foreach (var engine in engines)
                RunOne(scenarios[0].Name, scenarios[0].Dir, Path.Combine(work, "warmup.wav"), engine, metrics: false);

            var total = Stopwatch.StartNew();
            var rows = new List<Row>();
            foreach (var (name, dir) in scenarios)
            {
                foreach (var engine in engines)
                {
                    string outWav = Path.Combine(work, "out", name.Replace('/', '_') + "_" + engine.Name.Replace(' ', '_') + ".wav");
                    Directory.CreateDirectory(Path.GetDirectoryName(outWav)!);
                    var row = RunOne(name, dir, outWav, engine);
                    rows.Add(row);
                    Console.Error.WriteLine(row.Error is null
                        ? string.Create(CultureInfo.InvariantCulture, $"  {name,-45} {engine.Name,-12} ERLE {Fmt(row.Report!.ErleDb)} dB, ss {Fmt(row.Report.ErleSteadyStateDb)} dB, {row.UsPerFrame:0} us/frame")
                        : $"  {name,-45} {engine.Name,-12} FAILED: {row.Error}");
                }
            }

            string markdown = Markdown(rows, engines.Select(e => e.Name).ToList(), total.Elapsed);
            Console.WriteLine(markdown);
            if (mdPath is not null)
            {
                File.WriteAllText(mdPath, markdown);
                Console.Error.WriteLine($"Wrote {mdPath}");
            }

            return rows.Any(r => r.Error is not null) ? 1 : 0;
        }
        finally
        {
            if (keep is null)
            {
                try
                {
                    Directory.Delete(work, recursive: true);
                }
                catch (IOException)
                {
                    // Leave the temporary folder behind rather than fail the report.
                }
            }
        }
    }

    private static Row RunOne(string name, string dir, string outWav, Engine engine, bool metrics = true)
    {
        try
        {
            string far = Path.Combine(dir, "far.wav");
            string mic = Path.Combine(dir, "mic.wav");
            OfflineResult result = engine.Options is { } options
                ? OfflineEchoCanceller.Process(far, mic, outWav, options)
                : OfflineEchoCanceller.Process(far, mic, outWav, engine.Create!);
            if (!metrics)
                return new Row(name, engine.Name, null, result.MicrosecondsPerFrame, null);
            var report = AecQualityMetrics.Compute(dir, outWav);
            return new Row(name, engine.Name, report, result.MicrosecondsPerFrame, null);
        }
        catch (Exception ex)
        {
            return new Row(name, engine.Name, null, double.NaN, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string Markdown(List<Row> rows, List<string> engines, TimeSpan elapsed)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("## AEC quality");
        sb.AppendLine();
        sb.AppendLine("| scenario | AEC | ERLE | ERLE ss | conv10 | conv20 | DT SI-SDR impr | DT near gain | NS level change | lag ms | µs/frame |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            if (r.Report is not { } q)
            {
                sb.AppendLine($"| {r.Scenario} | {r.Aec} | failed: {r.Error?.Replace('|', '/')} | | | | | | | | |");
                continue;
            }

            sb.AppendLine(string.Create(inv,
                $"| {r.Scenario} | {r.Aec} | {Fmt(q.ErleDb)} | {Fmt(q.ErleSteadyStateDb)} | {Fmt(q.Conv10DbS, "0.00")} | {Fmt(q.Conv20DbS, "0.00")} | {Fmt(q.DtSiSdrImprovementDb)} | {Fmt(q.DtNearGainDb)} | {Fmt(q.NsLevelChangeDb)} | {q.LagMs:0.0} | {r.UsPerFrame:0} |"));
        }

        sb.AppendLine();
        sb.AppendLine("### Summary per vector set and AEC");
        sb.AppendLine();
        sb.AppendLine("| vectors | AEC | scenarios | mean ERLE ss dB | min ERLE dB | mean DT SI-SDR impr dB | mean µs/frame | failed |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        // Scenario names are "set/scenario": each set (generated suite, shared dev set, ...) gets its own lines.
        foreach (string set in rows.Select(r => SetOf(r.Scenario)).Distinct())
        {
            foreach (string e in engines)
            {
                var mine = rows.Where(r => r.Aec == e && SetOf(r.Scenario) == set).ToList();
                var ok = mine.Where(r => r.Report is not null).ToList();
                sb.AppendLine(string.Create(inv,
                    $"| {set} | {e} | {ok.Count} | {Fmt(Mean(ok.Select(r => r.Report!.ErleSteadyStateDb)))} | {Fmt(Min(ok.Select(r => r.Report!.ErleDb)))} | {Fmt(Mean(ok.Select(r => r.Report!.DtSiSdrImprovementDb)))} | {Fmt(Mean(ok.Select(r => (double?)r.UsPerFrame)), "0")} | {mine.Count - ok.Count} |"));
            }
        }

        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"speex: MDF with a {SpeexTailMs} ms filter plus its preprocessor's residual echo suppression (noise suppression off), same 10 ms frames. µs/frame is time inside the canceller only, on this machine ({Environment.ProcessorCount} cores), one file at a time. conv: seconds to reach 10/20 dB ERLE ('-' = never). Total {elapsed.TotalSeconds:0} s."));
        return sb.ToString();
    }

    private static string SetOf(string scenario) => scenario.Contains('/') ? scenario[..scenario.IndexOf('/')] : "-";

    private static double? Mean(IEnumerable<double?> values)
    {
        var v = values.Where(x => x is { } d && double.IsFinite(d)).Select(x => x!.Value).ToList();
        return v.Count > 0 ? v.Average() : null;
    }

    private static double? Min(IEnumerable<double?> values)
    {
        var v = values.Where(x => x is { } d && double.IsFinite(d)).Select(x => x!.Value).ToList();
        return v.Count > 0 ? v.Min() : null;
    }

    private static string Fmt(double? value, string format = "0.0") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    /// <summary>The folder itself if it is a scenario, else its sub-folders (two levels) that are.</summary>
    private static IEnumerable<string> FindScenarios(string root)
    {
        static bool IsScenario(string d) => File.Exists(Path.Combine(d, "far.wav")) && File.Exists(Path.Combine(d, "mic.wav"));
        if (IsScenario(root))
            return [root];
        var found = new List<string>();
        foreach (string d in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            if (IsScenario(d))
                found.Add(d);
            else
                found.AddRange(Directory.GetDirectories(d).Order(StringComparer.Ordinal).Where(IsScenario));
        }

        return found;
    }

    internal static string? FindRepoRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Beryl.sln")))
                    return dir.FullName;
            }
        }

        return null;
    }
}
