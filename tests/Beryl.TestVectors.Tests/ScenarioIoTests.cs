using System.Text.Json.Nodes;

namespace Beryl.TestVectors.Tests;

[NonParallelizable]
public class ScenarioIoTests
{
    private string _tmp = null!;

    [SetUp]
    public void SetUp() => _tmp = TestPaths.NewTempDir();

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_tmp, true); } catch (IOException) { }
    }

    [Test]
    public void WriteToAndLoadRoundTrip()
    {
        var spec = new ScenarioSpec("io", DurationS: 6, SnrDb: 20, EchoPathChangeS: 2.5, Seed: 21) { Description = "round trip", Families = ["x"] };
        var s = ScenarioGenerator.Generate(spec);
        string dir = Path.Combine(_tmp, "io");
        s.WriteTo(dir);
        foreach (var f in new[] { "far.wav", "mic.wav", "near.wav", "echo.wav", "noise.wav", "echo_rir.wav", "echo_rir_after_change.wav", "meta.json" })
            Assert.That(File.Exists(Path.Combine(dir, f)), f);
        var back = Scenario.Load(dir);
        Assert.That(back.Mic, Is.EqualTo(s.Mic));
        Assert.That(back.Far, Is.EqualTo(s.Far));
        Assert.That(back.Near, Is.EqualTo(s.Near));
        Assert.That(back.Echo, Is.EqualTo(s.Echo));
        Assert.That(back.Noise, Is.EqualTo(s.Noise));
        Assert.That(back.EchoRir, Is.EqualTo(s.EchoRir));
        Assert.That(back.EchoRirAfterChange, Is.EqualTo(s.EchoRirAfterChange));
        Assert.That(back.Meta.Segments, Is.EqualTo(s.Meta.Segments));
        Assert.That(back.Spec with { Families = spec.Families }, Is.EqualTo(spec));
        Assert.That(back.MetaJson, Is.EqualTo(s.MetaJson));
        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "meta.json")))!;
        Assert.That(((string?)meta["files"]!["mic.wav"]!["sha256"])!.Length, Is.EqualTo(64));
    }

    [Test]
    public void WritingTwiceGivesIdenticalBytes()
    {
        var spec = new ScenarioSpec("bytes", DurationS: 5, DelayMs: -10, DriftPpm: 100, Seed: 4);
        ScenarioGenerator.Generate(spec).WriteTo(Path.Combine(_tmp, "a"));
        ScenarioGenerator.Generate(spec).WriteTo(Path.Combine(_tmp, "b"));
        foreach (var f in Directory.GetFiles(Path.Combine(_tmp, "a")).Select(Path.GetFileName))
            Assert.That(File.ReadAllBytes(Path.Combine(_tmp, "b", f!)), Is.EqualTo(File.ReadAllBytes(Path.Combine(_tmp, "a", f!))), f);
    }

    [Test]
    public void LoadRejectsBrokenMetaAndMissingFiles()
    {
        var s = ScenarioGenerator.Generate(new ScenarioSpec("broken", DurationS: 4, Seed: 2));
        string dir = Path.Combine(_tmp, "broken");
        s.WriteTo(dir);
        File.Delete(Path.Combine(dir, "near.wav"));
        Assert.Throws<FileNotFoundException>(() => Scenario.Load(dir));
        s.WriteTo(dir);
        File.WriteAllText(Path.Combine(dir, "meta.json"), """{"sample_rate": 16000, "channels": 1, "segments": [{"start_s": 0, "end_s": 1}]}""");
        var e = Assert.Throws<ScenarioMetaException>(() => Scenario.Load(dir));
        Assert.That(e!.Message, Does.Contain("missing required field 'label'"));
        Assert.That(e.Message, Does.Contain("meta.json"));
        File.WriteAllText(Path.Combine(dir, "meta.json"), """{"sample_rate": 8000, "channels": 1}""");
        var e2 = Assert.Throws<InvalidDataException>(() => Scenario.Load(dir));
        Assert.That(e2!.Message, Does.Contain("sample rate"));
    }

    [Test]
    public void LoadsADevScenario()
    {
        var dir = TestPaths.DevScenario("g01_path_change_move");
        if (dir == null) Assert.Ignore("shared dev set not available");
        var s = Scenario.Load(dir!);
        Assert.That(s.SampleRate, Is.EqualTo(16000));
        Assert.That(s.Spec.EchoPathChangeS, Is.EqualTo(3.5));
        Assert.That(s.Spec.DelayMs, Is.EqualTo(25));
        Assert.That(s.EchoRirAfterChange, Is.Not.Null);
        Assert.That(s.Meta.Segments.First().Label, Is.EqualTo(SegmentLabel.FarendSingle));
        for (int i = 0; i < s.Length; i += 97) Assert.That(s.Mic[0][i], Is.EqualTo(s.Echo[0][i] + s.Near[0][i]));
    }
}
