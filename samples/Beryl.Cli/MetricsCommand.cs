using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Beryl.TestVectors;

namespace Beryl.Cli;

/// <summary><c>beryl metrics</c>: measures an output file against a scenario's references.</summary>
internal static class MetricsCommand
{
    public static Command Create(CliContext context)
    {
        var dir = new Option<string>("--dir") { Description = "Scenario folder (far.wav, mic.wav, near.wav, echo.wav, meta.json).", HelpName = "SCENARIO_DIR", Required = true };
        var output = new Option<string>("--out") { Description = "The canceller's output for that scenario.", HelpName = "out.wav", Required = true };
        var json = new Option<string?>("--json") { Description = "Also write the report (with the 200 ms ERLE track) as JSON.", HelpName = "FILE" };

        var command = new Command("metrics", "Compute the echo-cancellation quality figures (ERLE, convergence, double-talk SI-SDR, ...) of an output file.")
        {
            dir, output, json,
        };
        command.SetAction(parse => BerylCli.Guard(context, () =>
        {
            string scenarioDir = parse.GetRequiredValue(dir);
            string outWav = parse.GetRequiredValue(output);
            string? jsonPath = parse.GetValue(json);
            if (!Directory.Exists(scenarioDir))
                throw new CliException($"The scenario folder '{scenarioDir}' does not exist.");
            if (!File.Exists(outWav))
                throw new CliException($"The output file '{outWav}' does not exist.");
            if (jsonPath is not null)
                AtomicFile.CheckWritable(jsonPath, "report");

            AecQualityReport report;
            try
            {
                report = AecQualityMetrics.Compute(scenarioDir, outWav);
            }
            catch (ScenarioMetaException ex)
            {
                throw new CliException(ex.Message);
            }

            context.Out.Write(Format(scenarioDir, outWav, report));
            if (jsonPath is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(report.ToJsonObject(includeSeries: true).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
                AtomicFile.WriteAllBytes(jsonPath, bytes);
            }

            return BerylCli.ExitOk;
        }));
        return command;
    }

    /// <summary>The report as aligned "name  value" lines (the reference tool's key names), then its notes.</summary>
    internal static string Format(string scenarioDir, string outWav, AecQualityReport report)
    {
        var sb = new StringBuilder();
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(scenarioDir)));
        sb.Append(name).Append(": ").AppendLine(outWav);
        var fields = report.ToJsonObject(includeSeries: false).Where(kv => kv.Key != "notes").ToList();
        int width = fields.Max(kv => kv.Key.Length);
        foreach (var (key, value) in fields)
            sb.Append("  ").Append(key.PadRight(width)).Append("  ").AppendLine(Value(value));
        foreach (string note in report.Notes)
            sb.Append("  note: ").AppendLine(note);
        return sb.ToString();
    }

    private static string Value(JsonNode? node) => node switch
    {
        null => "-",
        JsonValue v when v.TryGetValue(out double d) => d.ToString("0.###", CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue(out int i) => i.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue(out string? s) => s ?? "-",
        _ => node.ToJsonString(),
    };
}
