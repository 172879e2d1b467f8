using System.Text.Json;
using Beryl.Media.Audio;

namespace Beryl.Cli.Tests;

public class AecCommandTests
{
    private TestFolder _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TestFolder();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void Pcm16Mono_OutputHasMicLengthAndFormat()
    {
        // 2.345 s: the last 10 ms frame is partial. The far file is shorter than the mic file.
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 30000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 37520, seed: 2);
        string output = _dir["out.wav"];

        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", output);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var (format, frames) = TestAudio.Info(output);
        Assert.That(frames, Is.EqualTo(37520));
        Assert.That(format, Is.EqualTo(new WavFormat(16000, 1, WavSampleFormat.Pcm16)));
        Assert.That(run.Out, Does.Contain("out.wav").And.Contain("real time"));
        Assert.That(run.Out.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one summary line");
        Assert.That(_dir.TempFiles(), Is.Empty);
    }

    [Test]
    public void Float32Stereo48k_LiteScalarNoSuppressor_KeepsFormat()
    {
        string far = TestAudio.Write(_dir["far.wav"], 48000, 2, 60000, WavSampleFormat.Float32);
        string mic = TestAudio.Write(_dir["mic.wav"], 48000, 2, 50000, WavSampleFormat.Float32, seed: 3);
        string output = _dir["out.wav"];

        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", output, "--mode", "lite", "--scalar", "--no-suppressor");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var (format, frames) = TestAudio.Info(output);
        Assert.That(frames, Is.EqualTo(50000));
        Assert.That(format, Is.EqualTo(new WavFormat(48000, 2, WavSampleFormat.Float32)));
    }

    // A node's recorded leg is cancelled as the node does it (the option's effect is tested with Opus in the media tests).
    [Test]
    public void EchoThroughCodec_IsTakenForANodesRecordedLeg()
    {
        string far = TestAudio.Write(_dir["render.wav"], 16000, 1, 32000, WavSampleFormat.Float32);
        string mic = TestAudio.Write(_dir["received.wav"], 16000, 1, 32000, WavSampleFormat.Float32, seed: 4);
        string output = _dir["cleaned.wav"];

        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", output, "--echo-through-codec");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(TestAudio.Info(output).Frames, Is.EqualTo(32000));
    }

    [TestCase(WavSampleFormat.Pcm24)]
    [TestCase(WavSampleFormat.Pcm32)]
    [TestCase(WavSampleFormat.Pcm8)]
    public void OtherPcmFormats_AreKept(WavSampleFormat sampleFormat)
    {
        string far = TestAudio.Write(_dir["far.wav"], 8000, 1, 8000);
        string mic = TestAudio.Write(_dir["mic.wav"], 8000, 1, 8000, sampleFormat);

        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(TestAudio.Info(_dir["out.wav"]).Format.SampleFormat, Is.EqualTo(sampleFormat));
    }

    [Test]
    public void MonoFarStereoMic_IsAccepted()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 2, 16000);

        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(TestAudio.Info(_dir["out.wav"]), Is.EqualTo((new WavFormat(16000, 2, WavSampleFormat.Pcm16), 16000L)));
    }

    [Test]
    public void DirOption_ReadsFarAndMicFromTheFolder()
    {
        Directory.CreateDirectory(_dir["scenario"]);
        TestAudio.Write(Path.Combine(_dir["scenario"], "far.wav"), 16000, 1, 20000);
        TestAudio.Write(Path.Combine(_dir["scenario"], "mic.wav"), 16000, 1, 20000, seed: 5);

        var run = CliRun.Of("aec", "--dir", _dir["scenario"], "--out", _dir["out.wav"]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(TestAudio.Info(_dir["out.wav"]).Frames, Is.EqualTo(20000));
    }

    [Test]
    public void Stats_JsonHasOneEntryPerSecondAndASummary()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 56000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 56000, seed: 2); // 3.5 s
        string stats = _dir["stats.json"];

        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"], "--stats", stats, "--mode", "lite");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(stats));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("sample_rate").GetInt32(), Is.EqualTo(16000));
        Assert.That(root.GetProperty("mode").GetString(), Is.EqualTo("lite"));
        var seconds = root.GetProperty("seconds");
        Assert.That(seconds.GetArrayLength(), Is.EqualTo(4), "3 whole seconds and a half one");
        for (int i = 0; i < seconds.GetArrayLength(); i++)
        {
            var s = seconds[i];
            Assert.That(s.GetProperty("time_s").GetDouble(), Is.EqualTo(i));
            foreach (string key in new[] { "delay_ms", "delay_confidence", "erle_db", "linear_erle_db", "double_talk", "active_filter", "divergence_count" })
                Assert.That(s.TryGetProperty(key, out _), Is.True, $"seconds[{i}].{key}");
        }

        var summary = root.GetProperty("summary");
        Assert.That(summary.GetProperty("duration_s").GetDouble(), Is.EqualTo(3.5).Within(1e-9));
        Assert.That(summary.TryGetProperty("erle_db", out _), Is.True);
        Assert.That(_dir.TempFiles(), Is.Empty);
    }

    [Test]
    public void ExistingOutput_IsReplaced()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 24000);
        File.WriteAllText(_dir["out.wav"], "old");

        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(TestAudio.Info(_dir["out.wav"]).Frames, Is.EqualTo(24000));
    }

    [Test]
    public void Help_ExitsZero()
    {
        var run = CliRun.Of("aec", "--help");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Out, Does.Contain("--far").And.Contain("--mode"));
    }

    // ---- failures: exit code, one clear line on stderr, nothing written ----

    [Test]
    public void MissingFarFile_Fails()
    {
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);
        var run = CliRun.Of("aec", "--far", _dir["nope.wav"], "--mic", mic, "--out", _dir["out.wav"]);
        AssertFailed(run, 1, "nope.wav", "does not exist");
    }

    [Test]
    public void MissingMicFile_Fails()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        var run = CliRun.Of("aec", "--far", far, "--mic", _dir["missing-mic.wav"], "--out", _dir["out.wav"]);
        AssertFailed(run, 1, "missing-mic.wav", "does not exist");
    }

    [Test]
    public void MissingScenarioFolder_Fails()
    {
        var run = CliRun.Of("aec", "--dir", _dir["no-such-scenario"], "--out", _dir["out.wav"]);
        AssertFailed(run, 1, "no-such-scenario", "does not exist");
    }

    [Test]
    public void MismatchedSampleRates_Fail()
    {
        string far = TestAudio.Write(_dir["far.wav"], 48000, 1, 48000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);
        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);
        AssertFailed(run, 1, "48000", "16000");
    }

    [Test]
    public void UnsupportedSampleRate_Fails()
    {
        string far = TestAudio.Write(_dir["far.wav"], 44100, 1, 44100);
        string mic = TestAudio.Write(_dir["mic.wav"], 44100, 1, 44100);
        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);
        AssertFailed(run, 1, "44100", "not support");
    }

    [Test]
    public void EmptyMicFile_Fails()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 0);
        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);
        AssertFailed(run, 1, "mic.wav", "no audio");
    }

    [Test]
    public void GarbageWav_Fails()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = _dir["mic.wav"];
        File.WriteAllBytes(mic, Enumerable.Range(0, 3000).Select(i => (byte)(i * 37)).ToArray());
        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);
        AssertFailed(run, 1, "mic.wav");
    }

    [Test]
    public void ThreeChannelMic_Fails()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 3, 16000);
        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);
        AssertFailed(run, 1, "mic.wav", "3 channels");
    }

    [Test]
    public void UnknownMode_Fails()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);
        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"], "--mode", "turbo");
        AssertFailed(run, 1, "turbo", "lite");
    }

    [Test]
    public void MissingOutputFolder_Fails()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);
        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", Path.Combine(_dir["no-folder"], "out.wav"));
        AssertFailed(run, 1, "no-folder", "does not exist");
    }

    [Test]
    public void MissingStatsFolder_FailsBeforeWritingTheOutput()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);
        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"], "--stats", Path.Combine(_dir["no-folder"], "s.json"));
        AssertFailed(run, 1, "no-folder");
    }

    [Test]
    public void Failure_LeavesAnExistingOutputUntouched()
    {
        string far = TestAudio.Write(_dir["far.wav"], 48000, 1, 48000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);
        File.WriteAllText(_dir["out.wav"], "previous result");

        var run = CliRun.Of("aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(File.ReadAllText(_dir["out.wav"]), Is.EqualTo("previous result"));
        Assert.That(_dir.TempFiles(), Is.Empty);
    }

    [Test]
    public void Cancellation_WritesNothing()
    {
        string far = TestAudio.Write(_dir["far.wav"], 16000, 1, 16000);
        string mic = TestAudio.Write(_dir["mic.wav"], 16000, 1, 16000);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var run = CliRun.Of(cts.Token, "aec", "--far", far, "--mic", mic, "--out", _dir["out.wav"]);

        AssertFailed(run, BerylCli.ExitCancelled, "cancelled");
    }

    [TestCase("aec", "--far", "a.wav", "--mic", "b.wav")]          // no --out
    [TestCase("aec", "--out", "o.wav")]                            // neither --dir nor --far/--mic
    [TestCase("aec", "--far", "a.wav", "--out", "o.wav")]          // --mic missing
    [TestCase("aec", "--dir", "d", "--far", "a.wav", "--out", "o.wav")]
    [TestCase("aec", "--far", "a.wav", "--mic", "b.wav", "--out", "o.wav", "--bogus")]
    [TestCase("frobnicate")]
    public void UsageErrors_ExitTwo(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.StartWith("beryl: "));
        Assert.That(run.Error, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void NoArguments_IsAUsageError()
    {
        var run = CliRun.Of();
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
    }

    private void AssertFailed(CliRun run, int exitCode, params string[] mentions)
    {
        Assert.That(run.ExitCode, Is.EqualTo(exitCode), run.ToString());
        string message = run.Error.TrimEnd();
        Assert.That(message, Does.StartWith("beryl: "));
        Assert.That(message, Does.Not.Contain('\n'), "one line");
        Assert.That(message, Does.Not.Contain("   at "), "no stack trace");
        foreach (string m in mentions)
            Assert.That(message, Does.Contain(m).IgnoreCase);
        Assert.That(run.Out, Is.Empty);
        if (!File.Exists(_dir["out.wav"]) || File.ReadAllText(_dir["out.wav"]) != "previous result")
            Assert.That(File.Exists(_dir["out.wav"]), Is.False, "no output written");
        Assert.That(_dir.TempFiles(), Is.Empty, "no temporary file left");
    }
}
