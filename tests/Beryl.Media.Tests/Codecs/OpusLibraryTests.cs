using Beryl.Media.Codecs.Opus;

namespace Beryl.Media.Tests.Codecs;

[TestFixture]
public sealed class OpusLibraryTests
{
    [Test]
    public void Missing_library_names_give_an_error_saying_what_to_install()
    {
        bool loaded = OpusLibrary.TryLoad(["libberyl-no-such-opus.so.7", "no-such-opus"], out nint handle, out string? error);
        Assert.Multiple(() =>
        {
            Assert.That(loaded, Is.False);
            Assert.That(handle, Is.EqualTo(nint.Zero));
            Assert.That(error, Does.Contain("libberyl-no-such-opus.so.7").And.Contain("no-such-opus"), "names what was tried");
            if (OperatingSystem.IsLinux())
                Assert.That(error, Does.Contain("install libopus0"));
        });
    }

    [Test]
    public void The_platform_names_come_first_and_the_library_reports_its_version()
    {
        if (OperatingSystem.IsLinux())
            Assert.That(OpusLibrary.CandidateNames, Is.EqualTo(new[] { "libopus.so.0", "libopus.so" }));
        CodecSignals.RequireOpus();
        Assert.Multiple(() =>
        {
            Assert.That(OpusLibrary.LoadError, Is.Null);
            Assert.That(OpusLibrary.Version, Does.StartWith("libopus "));
            Assert.That(OpusLibrary.TryLoad(OpusLibrary.CandidateNames, out nint handle, out string? error), Is.True, error);
            Assert.That(handle, Is.Not.EqualTo(nint.Zero));
        });
    }
}
