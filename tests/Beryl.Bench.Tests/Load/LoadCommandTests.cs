using Beryl.Bench.Load;

namespace Beryl.Bench.Tests.Load;

public class LoadCommandTests
{
    [Test]
    public void A_sweep_and_its_settings_are_read()
    {
        var settings = LoadCommand.Parse(["--sweep", "10,25,50", "--fixed-complexity", "--seconds", "30", "--ramp", "2", "--node-process"]);
        Assert.Multiple(() =>
        {
            Assert.That(settings.Calls, Is.EqualTo(new[] { 10, 25, 50 }));
            Assert.That(settings.Seconds, Is.EqualTo(30));
            Assert.That(settings.CallsPerSecond, Is.EqualTo(2));
            Assert.That(settings.NodeProcess, Is.True);
            Assert.That(settings.FixedComplexity, Is.True);
        });
    }

    [Test]
    public void Without_arguments_ten_calls_are_held_a_minute()
    {
        var settings = LoadCommand.Parse([]);
        Assert.That((settings.Calls, settings.Seconds, settings.NodeProcess, settings.FixedComplexity), Is.EqualTo((new[] { 10 }, 60.0, false, false)));
    }

    [TestCase(new[] { "--calls", "0" }, "'0' is not a positive whole number")]
    [TestCase(new[] { "--calls", "-5" }, "'-5' is not a positive whole number")]
    [TestCase(new[] { "--sweep", "10,,20" }, "'' is not a positive whole number")]
    [TestCase(new[] { "--seconds", "1e9" }, "'1e9' is not a positive whole number")]
    [TestCase(new[] { "--calls" }, "unknown argument '--calls'")]
    [TestCase(new[] { "--threads", "4" }, "unknown argument '--threads'")]
    public void A_bad_argument_is_refused_with_the_usage(string[] args, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => LoadCommand.Parse(args));
        Assert.That(e!.Message, Does.Contain(reason).And.Contain("usage: load"));
    }
}
