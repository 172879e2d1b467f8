namespace Beryl.TestVectors.Tests;

public class ScenarioMetaTests
{
    private const string Good = """
        {"name": "x", "sample_rate": 16000, "channels": 1, "render_channels": 2, "delay_ms": 20, "drift_ppm": 0.0,
         "nonlinearity": "none", "ser_db": 0.0, "snr_db": null, "echo_path_change_s": 3.5, "extra": {"ignored": true},
         "segments": [{"start_s": 0.0, "end_s": 4.91, "label": "farend_single"},
                      {"start_s": 4.91, "end_s": 14.0, "label": "doubletalk"}]}
        """;

    [Test]
    public void ParsesTheDevLayout()
    {
        var m = ScenarioMeta.Parse(Good);
        Assert.That(m.SampleRate, Is.EqualTo(16000));
        Assert.That(m.RenderChannels, Is.EqualTo(2));
        Assert.That(m.DelayMs, Is.EqualTo(20));
        Assert.That(m.SnrDb, Is.Null);
        Assert.That(m.EchoPathChangeS, Is.EqualTo(3.5));
        Assert.That(m.Segments, Has.Count.EqualTo(2));
        Assert.That(m.Segments[0], Is.EqualTo(new ScenarioSegment(0, 4.91, SegmentLabel.FarendSingle)));
        Assert.That(ScenarioMeta.TryParse(Good, out var again, out var err), Is.True);
        Assert.That(err, Is.Null);
        Assert.That(again!.Name, Is.EqualTo("x"));
    }

    [TestCase("{", "not valid JSON")]
    [TestCase("[1, 2]", "top level must be a JSON object")]
    [TestCase("""{"channels": 1, "segments": []}""", "missing required field 'sample_rate'")]
    [TestCase("""{"sample_rate": "16000", "channels": 1}""", "'sample_rate' must be a positive integer, found string")]
    [TestCase("""{"sample_rate": 16000, "channels": 0}""", "'channels' must be a positive integer")]
    [TestCase("""{"sample_rate": 16000, "channels": 1, "segments": {}}""", "'segments' must be an array")]
    [TestCase("""{"sample_rate": 16000, "channels": 1, "segments": [{"start_s": 0, "end_s": 1, "label": "talking"}]}""", "segments[0]: unknown label 'talking'")]
    [TestCase("""{"sample_rate": 16000, "channels": 1, "segments": [{"start_s": 2, "end_s": 1, "label": "silence"}]}""", "invalid interval")]
    [TestCase("""{"sample_rate": 16000, "channels": 1, "segments": [{"end_s": 1, "label": "silence"}]}""", "missing required field 'start_s'")]
    [TestCase("""{"sample_rate": 16000, "channels": 1, "delay_ms": "20"}""", "'delay_ms' must be a number or null")]
    public void RejectsBadMetaWithAClearMessage(string json, string message)
    {
        var e = Assert.Throws<ScenarioMetaException>(() => ScenarioMeta.Parse(json));
        Assert.That(e!.Message, Does.Contain(message));
        Assert.That(ScenarioMeta.TryParse(json, out var meta, out var error), Is.False);
        Assert.That(meta, Is.Null);
        Assert.That(error, Does.Contain(message));
    }

    [Test]
    public void JsonRoundTrip()
    {
        var m = ScenarioMeta.Parse(Good);
        var back = ScenarioMeta.Parse(m.ToJsonObject().ToJsonString());
        Assert.That(back.Segments, Is.EqualTo(m.Segments));
        Assert.That(back with { Segments = m.Segments, Families = m.Families }, Is.EqualTo(m));
    }
}
