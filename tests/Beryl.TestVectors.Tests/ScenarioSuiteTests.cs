using System.Text.Json.Nodes;

namespace Beryl.TestVectors.Tests;

[NonParallelizable]
public class ScenarioSuiteTests
{
    [Test]
    public void StandardSuiteCoversTheDevFamilies()
    {
        var suite = ScenarioSuite.Standard(1);
        Assert.That(suite, Has.Count.EqualTo(18));
        Assert.That(suite.Select(s => s.Name).Distinct().Count(), Is.EqualTo(18));
        foreach (var s in suite) Assert.DoesNotThrow(s.Validate, s.Name);
        var families = suite.SelectMany(s => s.Families).Distinct().OrderBy(f => f).ToArray();
        Assert.That(families, Is.EqualTo("abcdefghijkl".Select(c => c.ToString()).ToArray()));
        Assert.That(suite.Any(s => s.DelayMs < 0));
        Assert.That(suite.Any(s => s.DriftPpm == -500) && suite.Any(s => s.DriftPpm == 100));
        Assert.That(suite.Any(s => s.CaptureChannels == 2 && s.RenderChannels == 2 && s.SampleRate == 48000));
        Assert.That(suite.Select(s => s.Seed).Distinct().Count(), Is.EqualTo(18));
        Assert.That(ScenarioSuite.Standard(2).First().Seed, Is.Not.EqualTo(suite.First().Seed));
    }

    [Test]
    [Category("Slow")]
    public void WriteAllWritesEveryScenario()
    {
        string dir = TestPaths.NewTempDir();
        try
        {
            var dirs = ScenarioSuite.WriteAll(dir, 1, null);
            Assert.That(dirs, Has.Count.EqualTo(18));
            foreach (var d in dirs)
            {
                var meta = ScenarioMeta.Load(Path.Combine(d, "meta.json"));
                Assert.That(meta.Segments, Is.Not.Empty, d);
                Assert.That(File.Exists(Path.Combine(d, "mic.wav")), d);
            }
            Assert.That(File.ReadAllText(Path.Combine(dir, "INDEX.md")), Does.Contain("k01_music_far_16k"));
            var index = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "index.json")))!;
            Assert.That(index["scenarios"]!.AsArray(), Has.Count.EqualTo(18));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
