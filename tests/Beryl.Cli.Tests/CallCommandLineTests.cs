namespace Beryl.Cli.Tests;

/// <summary>The node and call commands refuse bad command lines with a one-line reason, before opening anything.</summary>
public class CallCommandLineTests
{
    [TestCase(new[] { "listen", "--mode", "party" }, 2, "unknown mode 'party'")]
    [TestCase(new[] { "listen", "--mode", "play" }, 2, "play mode needs --file")]
    [TestCase(new[] { "listen", "--bind", "not-an-address" }, 2, "not an IP address")]
    [TestCase(new[] { "listen", "--port", "70000" }, 2, "not a TCP port")]
    [TestCase(new[] { "listen", "--opus-complexity", "11" }, 2, "--opus-complexity 11 is not 0..10")]
    [TestCase(new[] { "listen", "--aec", "max" }, 2, "unknown echo canceller 'max'")]
    [TestCase(new[] { "listen", "--codec", "mp3" }, 2, "unknown codec 'mp3'")]
    [TestCase(new[] { "listen", "--mode", "play", "--file", "/nonexistent/x.wav" }, 1, "cannot play '/nonexistent/x.wav'")]
    [TestCase(new[] { "call", "http://127.0.0.1:1/ws" }, 2, "not a ws:// or wss:// address")]
    [TestCase(new[] { "call", "ws://127.0.0.1:1/ws", "--seconds", "0", "--mic", "none.wav" }, 2, "--seconds must be positive")]
    [TestCase(new[] { "call", "ws://127.0.0.1:1/ws", "--mic", "/nonexistent/mic.wav" }, 1, "does not exist")]
    [TestCase(new[] { "call", "ws://127.0.0.1:1/ws", "--mic", "room:delay=fast" }, 2, "room setting delay=fast")]
    [TestCase(new[] { "call", "ws://127.0.0.1:1/ws", "--mic", "room:colour=blue" }, 2, "unknown room setting 'colour'")]
    [TestCase(new[] { "call", "ws://127.0.0.1:1/ws", "--mic", "device:x" }, 2, "a device is 'device' or 'device:INDEX'")]
    public void A_bad_command_line_gets_its_reason(string[] args, int exitCode, string reason)
    {
        var run = CliRun.Of(args);
        Assert.That(run.ExitCode, Is.EqualTo(exitCode), run.ToString());
        Assert.That(run.Error, Does.Contain(reason));
        Assert.That(run.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
    }

    [Test]
    public void A_node_that_cannot_be_reached_is_a_clear_failure()
    {
        string mic = Path.Combine(Path.GetTempPath(), $"beryl-unreachable-{Guid.NewGuid():N}.wav");
        Media.Audio.WavWriter.WriteAll(mic, 48000, [new float[4800]]);
        try
        {
            var run = CliRun.Of("call", "ws://127.0.0.1:9/ws", "--mic", mic, "--speaker", "none");
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.Error, Does.Contain("cannot reach ws://127.0.0.1:9/ws"));
        }
        finally
        {
            File.Delete(mic);
        }
    }
}
