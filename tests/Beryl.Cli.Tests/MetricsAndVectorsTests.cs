using System.Text.Json;
using Beryl.TestVectors;

namespace Beryl.Cli.Tests;

public class MetricsAndVectorsTests
{
    private static TestFolder _shared = null!;
    private static string _scenario = null!;
    private TestFolder _dir = null!;

    [OneTimeSetUp]
    public static void GenerateScenario()
    {
        _shared = new TestFolder();
        _scenario = Path.Combine(_shared.Path, "short_linear");
        ScenarioGenerator.Generate(new ScenarioSpec("short_linear", DurationS: 6, Seed: 42)).WriteTo(_scenario);
    }

    [OneTimeTearDown]
    public static void RemoveScenario() => _shared.Dispose();

    [SetUp]
    public void SetUp() => _dir = new TestFolder();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void AecThenMetrics_PrintsTheReportAndWritesJson()
    {
        string output = _dir["out.wav"];
        var aec = CliRun.Of("aec", "--dir", _scenario, "--out", output);
        Assert.That(aec.ExitCode, Is.EqualTo(0), aec.ToString());

        string json = _dir["m.json"];
        var run = CliRun.Of("metrics", "--dir", _scenario, "--out", output, "--json", json);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Out, Does.StartWith("short_linear: "));
        Assert.That(run.Out, Does.Contain("erle_db").And.Contain("dt_sisdr_improvement_db").And.Contain("lag_ms"));
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.That(doc.RootElement.TryGetProperty("erle_db", out _), Is.True);
        Assert.That(doc.RootElement.GetProperty("erle_series").GetArrayLength(), Is.GreaterThan(0));
        Assert.That(_dir.TempFiles(), Is.Empty);
    }

    [Test]
    public void Metrics_OfTheMicItself_HasNoErle()
    {
        var run = CliRun.Of("metrics", "--dir", _scenario, "--out", Path.Combine(_scenario, "mic.wav"));

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var line = run.Out.Split('\n').Single(l => l.TrimStart().StartsWith("erle_db "));
        Assert.That(double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(0).Within(0.5));
    }

    [Test]
    public void Metrics_MissingScenario_Fails()
    {
        var run = CliRun.Of("metrics", "--dir", _dir["nothing"], "--out", _dir["out.wav"]);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.StartWith("beryl: ").And.Contain("nothing"));
    }

    [Test]
    public void Metrics_MissingOutput_Fails()
    {
        var run = CliRun.Of("metrics", "--dir", _scenario, "--out", _dir["never-written.wav"]);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.Contain("never-written.wav"));
    }

    [Test]
    public void Metrics_FolderWithoutMeta_FailsWithOneLine()
    {
        TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);
        var run = CliRun.Of("metrics", "--dir", _dir.Path, "--out", _dir["mic.wav"]);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Error.TrimEnd(), Does.StartWith("beryl: ").And.Not.Contain('\n'));
    }

    [Test]
    public void Vectors_MissingCorpus_Fails()
    {
        var run = CliRun.Of("vectors", "--out", _dir["v"], "--corpus", _dir["no-corpus"]);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.Contain("no-corpus"));
        Assert.That(Directory.Exists(_dir["v"]), Is.False);
    }

    [Test]
    public void Vectors_OutIsAFile_Fails()
    {
        File.WriteAllText(_dir["file"], "x");
        var run = CliRun.Of("vectors", "--out", _dir["file"]);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
    }

    [Test]
    public void Vectors_MissingOut_IsAUsageError()
    {
        Assert.That(CliRun.Of("vectors").ExitCode, Is.EqualTo(2));
    }

    [Test, Explicit("Generates the whole suite (slow)")]
    public void Vectors_WritesTheStandardSuite()
    {
        var run = CliRun.Of("vectors", "--out", _dir["v"], "--seed", "3");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(Directory.GetDirectories(_dir["v"]), Has.Length.EqualTo(ScenarioSuite.Standard(3).Count));
    }
}
