using System.Text.Json.Nodes;
using Beryl.Media.Audio;

namespace Beryl.TestVectors.Tests;

/// <summary>Cross-checks <see cref="AecQualityMetrics"/> against the reference Python tool on dev scenarios.</summary>
[TestFixture]
[NonParallelizable]
[Category("Python")]
public class MetricsAgreementTests
{
    private string _tmp = null!;

    [OneTimeSetUp]
    public void SetUp() => _tmp = TestPaths.NewTempDir();

    [OneTimeTearDown]
    public void TearDown()
    {
        try { Directory.Delete(_tmp, true); } catch (IOException) { }
    }

    private static Scenario LoadOrIgnore(string name)
    {
        if (!PythonMetricsTool.Available()) Assert.Ignore("shared/tools/aecmetrics.py or /usr/bin/python3 with numpy+scipy not available");
        var dir = TestPaths.DevScenario(name);
        if (dir == null) Assert.Ignore($"dev scenario {name} not available");
        return Scenario.Load(dir!);
    }

    /// <summary>Mic attenuated by 20 dB on far-end-only samples, unchanged elsewhere.</summary>
    private static float[][] AttenuateFarendOnly(Scenario s, double db)
    {
        var mask = MetricMath.SegmentMask(s.Length, s.SampleRate, s.Meta.Segments, [SegmentLabel.FarendSingle]);
        float g = (float)Math.Pow(10, -db / 20);
        return s.Mic.Select(ch => ch.Select((v, i) => mask[i] ? v * g : v).ToArray()).ToArray();
    }

    /// <summary>
    /// A converging "AEC": near + residual echo, whose echo attenuation ramps from 0 dB at the far-end onset
    /// to <paramref name="finalDb"/> after <paramref name="rampS"/> s, dropping back to 0 dB at the path
    /// change; the whole output delayed by <paramref name="lagSamples"/>.
    /// </summary>
    private static float[][] ConvergingOutput(Scenario s, double finalDb, double rampS, int lagSamples)
    {
        double onset = s.Meta.Segments.Where(x => x.Label is SegmentLabel.FarendSingle or SegmentLabel.Doubletalk).Min(x => x.StartS);
        double? pc = s.Meta.EchoPathChangeS;
        var outp = new float[s.Mic.Length][];
        for (int c = 0; c < outp.Length; c++)
        {
            outp[c] = new float[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                double t = (double)i / s.SampleRate;
                double since = pc is double p && t >= p ? t - p : t - onset;
                double att = Math.Clamp(since / rampS, 0, 1) * finalDb;
                double noise = s.Noise?[c][i] ?? 0;
                double v = s.Near[c][i] + noise + s.Echo[c][i] * Math.Pow(10, -att / 20);
                int j = i + lagSamples;
                if (j >= 0 && j < s.Length) outp[c][j] = (float)v;
            }
        }
        return outp;
    }

    private static readonly (string Key, Func<AecQualityReport, double?> Get, double Tol)[] Figures =
    [
        ("erle_db", r => r.ErleDb, 0.2),
        ("erle_ss_db", r => r.ErleSteadyStateDb, 0.2),
        ("erle_median_db", r => r.ErleMedianDb, 0.2),
        ("erle_echo_db", r => r.ErleEchoDb, 0.2),
        ("conv_10db_s", r => r.Conv10DbS, 0.2001),
        ("conv_20db_s", r => r.Conv20DbS, 0.2001),
        ("reconv_10db_s", r => r.Reconv10DbS, 0.2001),
        ("reconv_20db_s", r => r.Reconv20DbS, 0.2001),
        ("dt_sisdr_db", r => r.DtSiSdrDb, 0.2),
        ("dt_sisdr_mic_db", r => r.DtSiSdrMicDb, 0.2),
        ("dt_sisdr_improvement_db", r => r.DtSiSdrImprovementDb, 0.2),
        ("dt_echo_suppression_db", r => r.DtEchoSuppressionDb, 0.2),
        ("dt_near_gain_db", r => r.DtNearGainDb, 0.2),
        ("ns_sisdr_db", r => r.NsSiSdrDb, 0.2),
        ("ns_sisdr_mic_db", r => r.NsSiSdrMicDb, 0.2),
        ("ns_level_change_db", r => r.NsLevelChangeDb, 0.2),
        ("ns_near_gain_db", r => r.NsNearGainDb, 0.2),
        ("silence_out_dbfs", r => r.SilenceOutDbfs, 0.2),
        ("farend_out_dbfs", r => r.FarendOutDbfs, 0.2),
        ("enr_db", r => r.EnrDb, 0.2),
        ("ns_used_s", r => r.NsUsedS, 0.05),
        ("farend_onset_s", r => r.FarendOnsetS, 0.001),
    ];

    private void CompareWithPython(Scenario s, string scenarioDir, float[][] output, string tag)
    {
        string wav = Path.Combine(_tmp, $"{s.Meta.Name}_{tag}.wav");
        WavWriter.WriteAll(wav, s.SampleRate, output, WavSampleFormat.Float32);
        var py = PythonMetricsTool.Compute(scenarioDir, wav);
        var cs = AecQualityMetrics.Compute(scenarioDir, wav);
        var inMemory = AecQualityMetrics.Compute(s, output);
        Assert.That(inMemory.ErleDb, Is.EqualTo(cs.ErleDb), "in-memory and file-based figures differ");
        var report = new List<string>();
        Assert.That(Math.Abs(cs.LagSamples - (int)py["lag_samples"]!), Is.LessThanOrEqualTo(1), $"{tag}: lag C# {cs.LagSamples} vs Python {py["lag_samples"]}");
        foreach (var (key, get, tol) in Figures)
        {
            double? a = get(cs);
            double? b = py[key] is JsonValue v ? v.GetValue<double>() : null;
            report.Add($"{key}: C# {a?.ToString() ?? "null"} Python {b?.ToString() ?? "null"}");
            Assert.That(a.HasValue, Is.EqualTo(b.HasValue), $"{tag}: {key} C# {a} vs Python {b}");
            if (a.HasValue) Assert.That(a.Value, Is.EqualTo(b!.Value).Within(tol), $"{tag}: {key}");
        }
        TestContext.Out.WriteLine($"{s.Meta.Name} {tag}: lag {cs.LagSamples}/{py["lag_samples"]}\n  " + string.Join("\n  ", report));
    }

    [TestCase("a01_linear_16k_seminar_delay20ms")]
    [TestCase("c01_stereo_48k_livingroom_tv")]
    [TestCase("g01_path_change_move")]
    [TestCase("j01_noise_stationary_snr15")]
    public void AgreesWithReferenceTool(string name)
    {
        var s = LoadOrIgnore(name);
        string dir = TestPaths.DevScenario(name)!;
        CompareWithPython(s, dir, AttenuateFarendOnly(s, 20), "att20");
        int lag3ms = (int)Math.Round(0.003 * s.SampleRate);
        CompareWithPython(s, dir, ConvergingOutput(s, 25, 3.0, lag3ms), "conv_lag3ms");
        if (name.StartsWith("a01")) CompareWithPython(s, dir, ConvergingOutput(s, 40, 1.5, -2), "conv_lead2");
    }

    [Test]
    public void AgreesWithReferenceToolOnAGeneratedScenario()
    {
        if (!PythonMetricsTool.Available()) Assert.Ignore("shared/tools/aecmetrics.py or /usr/bin/python3 with numpy+scipy not available");
        var spec = new ScenarioSpec("gen_delay400_noise", DurationS: 10, DelayMs: 400, SnrDb: 20, EchoPathChangeS: 3.0, Seed: 77)
        {
            Schedule = TalkSchedule.LongFarend,
        };
        var s = ScenarioGenerator.Generate(spec);
        string dir = Path.Combine(_tmp, spec.Name);
        s.WriteTo(dir);
        Assert.That(s.Meta.RirMs, Is.Not.Null, "rir_ms drives the near-end guard in both tools");
        CompareWithPython(s, dir, AttenuateFarendOnly(s, 20), "att20");
        CompareWithPython(s, dir, ConvergingOutput(s, 30, 2.0, (int)Math.Round(0.003 * s.SampleRate)), "conv_lag3ms");
    }
}
