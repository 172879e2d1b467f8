using System.CommandLine;
using System.Globalization;
using Beryl.Aec;
using Beryl.Media.Audio;
using Beryl.Media.Processing;
using Spectre.Console;

namespace Beryl.Cli;

/// <summary><c>beryl aec</c>: cancels the echo of a far-end file in a microphone file.</summary>
internal static class AecCommand
{
    public static Command Create(CliContext context)
    {
        var far = new Option<string>("--far") { Description = "Far-end (loudspeaker reference) WAV file.", HelpName = "far.wav" };
        var mic = new Option<string>("--mic") { Description = "Microphone WAV file (same sample rate as --far).", HelpName = "mic.wav" };
        var dir = new Option<string>("--dir") { Description = "Scenario folder holding far.wav and mic.wav (instead of --far and --mic).", HelpName = "SCENARIO_DIR" };
        var output = new Option<string>("--out") { Description = "Output WAV file: the microphone signal without echo, same length and format.", HelpName = "out.wav", Required = true };
        var mode = new Option<string>("--mode") { Description = "Canceller mode: lite or full.", HelpName = "lite|full", DefaultValueFactory = _ => "full" };
        var stats = new Option<string?>("--stats") { Description = "Also write per-second statistics and a summary as JSON.", HelpName = "stats.json" };
        var noSuppressor = new Option<bool>("--no-suppressor") { Description = "Linear filter only: turn the residual echo suppressor off." };
        var scalar = new Option<bool>("--scalar") { Description = "Use the scalar reference kernels instead of SIMD." };
        var throughCodec = new Option<bool>("--echo-through-codec") { Description = "The echo came back through lossy codecs (a node's recorded leg: render.wav and received.wav)." };

        var command = new Command("aec", "Remove the echo of a far-end file from a microphone file.")
        {
            far, mic, dir, output, mode, stats, noSuppressor, scalar, throughCodec,
        };

        command.Validators.Add(result =>
        {
            bool hasFar = result.GetResult(far) is not null;
            bool hasMic = result.GetResult(mic) is not null;
            bool hasDir = result.GetResult(dir) is not null;
            if (hasDir && (hasFar || hasMic))
                result.AddError("Use either --dir or --far and --mic, not both.");
            else if (!hasDir && !(hasFar && hasMic))
                result.AddError(hasFar || hasMic ? "Both --far and --mic are needed (or --dir)." : "Give --far and --mic, or --dir.");
        });

        command.SetAction(parse => BerylCli.Guard(context, () => Execute(
            context,
            parse.GetValue(far),
            parse.GetValue(mic),
            parse.GetValue(dir),
            parse.GetRequiredValue(output),
            parse.GetValue(mode) ?? "full",
            parse.GetValue(stats),
            parse.GetValue(noSuppressor),
            parse.GetValue(scalar),
            parse.GetValue(throughCodec))));
        return command;
    }

    private static int Execute(
        CliContext context,
        string? farPath,
        string? micPath,
        string? scenarioDir,
        string outPath,
        string modeText,
        string? statsPath,
        bool noSuppressor,
        bool scalar,
        bool echoThroughCodec)
    {
        var mode = modeText.Trim().ToLowerInvariant() switch
        {
            "lite" => AecMode.Lite,
            "full" => AecMode.Full,
            _ => throw new CliException($"Unknown mode '{modeText}'; use 'lite' or 'full'."),
        };

        if (scenarioDir is not null)
        {
            if (!Directory.Exists(scenarioDir))
                throw new CliException($"The scenario folder '{scenarioDir}' does not exist.");
            farPath = Path.Combine(scenarioDir, "far.wav");
            micPath = Path.Combine(scenarioDir, "mic.wav");
        }

        if (farPath is null || micPath is null)
            throw new CliException("Give --far and --mic, or --dir.", BerylCli.ExitUsage);
        if (statsPath is not null)
            AtomicFile.CheckWritable(statsPath, "statistics file");

        var options = new EchoCancellerOptions
        {
            Mode = mode,
            EnableSuppressor = !noSuppressor,
            UseSimd = !scalar,
            EchoThroughCodec = echoThroughCodec,
        };

        var seconds = new List<SecondStatistics>();
        Action<SecondStatistics> collect = seconds.Add;
        OfflineResult result;
        var ct = context.CancellationToken;

        if (context.ProgressWriter is { } terminal && DurationOf(micPath) is { } duration && duration > context.ProgressThreshold)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(terminal),
                Interactive = InteractionSupport.Yes,
            });
            result = console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(progressContext =>
                {
                    var task = progressContext.AddTask($"aec {mode.ToString().ToLowerInvariant()} {Markup.Escape(Path.GetFileName(micPath))}", maxValue: 1.0);
                    var progress = new SyncProgress(v => task.Value = v);
                    var r = OfflineEchoCanceller.Process(farPath, micPath, outPath, options, progress, collect, ct);
                    task.Value = 1.0;
                    return r;
                });
        }
        else
        {
            result = OfflineEchoCanceller.Process(farPath, micPath, outPath, options, null, collect, ct);
        }

        if (statsPath is not null)
            AtomicFile.WriteAllBytes(statsPath, StatsJson.Build(mode.ToString().ToLowerInvariant(), result, seconds));

        context.Out.WriteLine(Summary(outPath, mode, result));
        return BerylCli.ExitOk;
    }

    /// <summary>The length of a WAV file if its header says so; null when unknown or unreadable (the real run reports errors).</summary>
    private static TimeSpan? DurationOf(string path)
    {
        try
        {
            using var reader = WavReader.Open(path);
            return reader.FrameCount is { } frames && reader.Format.SampleRate > 0
                ? TimeSpan.FromSeconds((double)frames / reader.Format.SampleRate)
                : null;
        }
        catch (Exception)
        {
            return null;
        }
    }

    internal static string Summary(string outPath, AecMode mode, OfflineResult r)
    {
        var c = CultureInfo.InvariantCulture;
        string channels = r.CaptureChannels == 1 ? "mono" : $"{r.CaptureChannels}-channel";
        string head = string.Create(c, $"{outPath}: {r.Seconds:0.00} s of {r.SampleRate / 1000.0:0.#} kHz {channels} audio, {mode.ToString().ToLowerInvariant()} mode, in {r.WallTime.TotalSeconds:0.00} s ({r.RealTimeFactor:0.#}x real time, {r.MicrosecondsPerFrame:0} us/frame)");
        if (r.Statistics is not { } s)
            return head;
        return head + string.Create(c, $"; delay {s.DelayMs:0.#} ms (confidence {s.DelayConfidence:0.00}), ERLE {s.ErleDb:0.0} dB (linear {s.LinearErleDb:0.0} dB), {s.DivergenceCount} divergences");
    }

    /// <summary>Reports progress on the calling thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
