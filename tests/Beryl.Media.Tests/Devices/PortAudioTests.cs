using Beryl.Media.Audio;
using Beryl.Media.Devices;

namespace Beryl.Media.Tests.Devices;

public class PortAudioTests
{
    private static readonly AudioFormat Mono48k = new(48_000, 1);

    [Test]
    public void Library_is_either_loaded_or_explains_what_to_install()
    {
        if (PortAudioLibrary.IsAvailable)
            Assert.That(PortAudioLibrary.LoadError, Is.Null);
        else
            Assert.That(PortAudioLibrary.LoadError, Does.Contain("PortAudio").And.Contain(OperatingSystem.IsLinux() ? "libportaudio2" : "portaudio"));
    }

    [Test]
    public void Candidate_names_follow_the_operating_system()
    {
        string[] names = PortAudioLibrary.CandidateNames();
        string expected = OperatingSystem.IsWindows() ? "portaudio.dll" : OperatingSystem.IsMacOS() ? "libportaudio.2.dylib" : "libportaudio.so.2";
        Assert.That(names[0], Is.EqualTo(expected));
    }

    [Test]
    public void Missing_library_gives_a_message_naming_what_was_tried_and_the_package()
    {
        (var api, string? error) = PortAudioLibrary.Load(["libbogus-beryl-1.so", "bogus-beryl.dll"]);

        Assert.That(api, Is.Null);
        Assert.That(error, Does.Contain("libbogus-beryl-1.so, bogus-beryl.dll"));
        if (OperatingSystem.IsLinux())
            Assert.That(error, Does.Contain("install the libportaudio2 package"));
    }

    [Test]
    public void A_library_that_is_not_portaudio_is_refused_with_the_missing_functions()
    {
        Assume.That(OperatingSystem.IsLinux(), "uses the C library as a stand-in");
        (var api, string? error) = PortAudioLibrary.Load(["libc.so.6"]);

        Assert.That(api, Is.Null);
        Assert.That(error, Does.StartWith("libc.so.6 is not PortAudio v19").And.Contain("Pa_Initialize").And.Contain("libportaudio2"));
    }

    [Test]
    public void Device_list_is_consistent_or_the_error_names_the_package()
    {
        if (!PortAudioLibrary.IsAvailable)
        {
            Assert.That(() => PortAudioDevices.List(), Throws.TypeOf<PortAudioException>().With.Message.EqualTo(PortAudioLibrary.LoadError));
            return;
        }

        IReadOnlyList<PortAudioDevice> devices = PortAudioDevices.List();
        foreach (PortAudioDevice d in devices)
            TestContext.Out.WriteLine($"{d.Index}: {d.Name} ({d.HostApi}) in {d.MaxInputChannels} out {d.MaxOutputChannels} {d.DefaultSampleRate} Hz");

        Assert.That(devices.Select(d => d.Index), Is.Unique);
        Assert.That(devices, Is.All.Matches<PortAudioDevice>(d =>
            d.Name.Length > 0 && d.MaxInputChannels >= 0 && d.MaxOutputChannels >= 0 && d.DefaultSampleRate >= 0));
        Assert.That(devices.Count(d => d.IsDefaultInput), Is.LessThanOrEqualTo(1));
        Assert.That(devices.Where(d => d.IsDefaultInput), Is.All.Matches<PortAudioDevice>(d => d.HasInput));
        Assert.That(devices.Where(d => d.IsDefaultOutput), Is.All.Matches<PortAudioDevice>(d => d.HasOutput));
        // Listing twice balances Pa_Initialize/Pa_Terminate: the second call sees the same devices.
        Assert.That(PortAudioDevices.List(), Is.EqualTo(devices));
    }

    [Test]
    public void Opening_a_device_that_does_not_exist_throws_a_clear_error()
    {
        Assume.That(PortAudioLibrary.IsAvailable, PortAudioLibrary.LoadError);

        Assert.That(() => new PortAudioStream(Mono48k, capture: true, render: false, inputDevice: 9999),
            Throws.TypeOf<PortAudioException>().With.Message.Contain("no input device 9999"));
        Assert.That(() => new PortAudioStream(Mono48k, capture: false, render: false), Throws.ArgumentException);
        // The failed opens released PortAudio again: enumeration still works.
        Assert.That(() => PortAudioDevices.List(), Throws.Nothing);
    }

    [Test]
    public void Duplex_stream_moves_audio_through_a_real_device()
    {
        Assume.That(PortAudioLibrary.IsAvailable, PortAudioLibrary.LoadError);
        IReadOnlyList<PortAudioDevice> devices = PortAudioDevices.List();
        PortAudioDevice? input = devices.FirstOrDefault(d => d.IsDefaultInput);
        PortAudioDevice? output = devices.FirstOrDefault(d => d.IsDefaultOutput);
        if (input is null || output is null)
            Assert.Ignore("no default input and output device on this machine");

        using var stream = new PortAudioStream(Mono48k);
        var frame = new float[Mono48k.InterleavedSamplesPer10Ms];
        var tone = new ToneSource(Mono48k, 440, 0.1f);
        for (int i = 0; i < 20; i++)
        {
            tone.Read(frame);
            stream.Render!.Write(frame);
            Assert.That(stream.Capture!.Read(frame), Is.EqualTo(frame.Length));
        }
        Assert.That(stream.Errors, Is.Zero, stream.LastError);
    }
}
