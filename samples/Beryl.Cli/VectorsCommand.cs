using System.CommandLine;
using Beryl.TestVectors;

namespace Beryl.Cli;

/// <summary><c>beryl vectors</c>: writes the standard generated scenario suite.</summary>
internal static class VectorsCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Folder to write the scenario folders into (created if missing).", HelpName = "DIR", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator; the same seed gives the same files.", HelpName = "N", DefaultValueFactory = _ => 1 };
        var corpus = new Option<string?>("--corpus")
        {
            Description = "Mix in real recordings from this corpus folder (without a value: ../shared/corpus next to the repository). Without --corpus only synthetic material is used.",
            HelpName = "DIR",
            Arity = ArgumentArity.ZeroOrOne,
        };

        var command = new Command("vectors", "Generate the standard echo-scenario suite (far.wav, mic.wav, references, meta.json per scenario).")
        {
            output, seed, corpus,
        };
        command.SetAction(parse => BerylCli.Guard(context, () =>
        {
            string outDir = parse.GetRequiredValue(output);
            string? corpusDir = null;
            if (parse.GetResult(corpus) is not null)
            {
                corpusDir = parse.GetValue(corpus) is { Length: > 0 } given ? given : RepoPaths.DefaultCorpus();
                if (!Directory.Exists(corpusDir))
                    throw new CliException($"The corpus folder '{corpusDir}' does not exist.");
            }

            if (File.Exists(outDir))
                throw new CliException($"Cannot write vectors into '{outDir}': it is a file.");
            Directory.CreateDirectory(outDir);

            context.CancellationToken.ThrowIfCancellationRequested();
            var dirs = ScenarioSuite.WriteAll(outDir, parse.GetValue(seed), corpusDir);
            context.Out.WriteLine($"Wrote {dirs.Count} scenarios to {outDir} (seed {parse.GetValue(seed)}, {(corpusDir is null ? "synthetic material only" : $"corpus {corpusDir}")}).");
            return BerylCli.ExitOk;
        }));
        return command;
    }
}
