using System.Globalization;
using Beryl.Media.Audio;
using Beryl.Media.Devices;

namespace Beryl.Cli;

/// <summary>
/// The microphone and loudspeaker of <c>beryl call</c>, from their command-line specs: a sound device
/// (<c>device</c> or <c>device:INDEX</c>), a WAV file, or for the microphone a simulated room
/// (<c>room:near=FILE,delay=MS,echo=DB,rt60=S,noise=DB,drift=PPM,distortion=X,ir=FILE,seed=N</c>) whose loudspeaker
/// is the call's, so the call's own audio comes back as echo.
/// </summary>
internal sealed class CallAudio : IDisposable
{
    private const int FileSpeakerRate = 48000;
    private readonly List<IDisposable> _owned = [];

    private CallAudio()
    {
    }

    public IAudioSource Microphone { get; private set; } = null!;

    public IAudioSink Speaker { get; private set; } = null!;

    /// <summary>Whether a sound card paces the call (else the system clock).</summary>
    public bool UsesDevice { get; private set; }

    /// <summary>A room's counters, when the microphone is a simulated room.</summary>
    public RoomSimulator? Room { get; private set; }

    public static CallAudio Open(string micSpec, string? speakerSpec, string? recordPath)
    {
        var audio = new CallAudio();
        try
        {
            audio.OpenDevices(micSpec, speakerSpec, recordPath);
            return audio;
        }
        catch
        {
            audio.Dispose();
            throw;
        }
    }

    private void OpenDevices(string micSpec, string? speakerSpec, string? recordPath)
    {
        PortAudioStream? device = null;
        IAudioSink? roomSpeaker = null;
        if (TryParseDevice(micSpec, out int? micDevice))
        {
            device = OpenDevice(micDevice, speakerSpec is not null && TryParseDevice(speakerSpec, out int? outputDevice) ? outputDevice : null, render: speakerSpec is null || TryParseDevice(speakerSpec, out _));
            Microphone = device.Capture!;
            UsesDevice = true;
        }
        else if (micSpec.StartsWith("room:", StringComparison.OrdinalIgnoreCase))
        {
            Room = OpenRoom(micSpec["room:".Length..]);
            Microphone = Room.Microphone;
            roomSpeaker = Room.Speaker;
        }
        else
        {
            var file = new WavFileSource(RequireFile(micSpec, "--mic"));
            _owned.Add(file);
            Microphone = file;
        }

        IAudioSink? speaker = roomSpeaker;
        if (speakerSpec is not null && TryParseDevice(speakerSpec, out int? speakerDevice))
        {
            device ??= OpenDevice(null, speakerDevice, render: true, capture: false);
            speaker = Tee(speaker, device.Render!);
            UsesDevice = true;
        }
        else if (speakerSpec is not null && !speakerSpec.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            speaker = Tee(speaker, CreateFileSink(speakerSpec, speaker?.Format ?? new AudioFormat(FileSpeakerRate, 1)));
        }
        else if (speakerSpec is null && device is { Render: { } render })
        {
            speaker = Tee(speaker, render);
        }
        speaker ??= new NullSink(new AudioFormat(FileSpeakerRate, 1));
        if (recordPath is not null)
            speaker = Tee(speaker, CreateFileSink(recordPath, speaker.Format));
        Speaker = speaker;
    }

    private PortAudioStream OpenDevice(int? input, int? output, bool render, bool capture = true)
    {
        var stream = new PortAudioStream(new AudioFormat(48000, 1), capture, render, input, output);
        _owned.Add(stream);
        return stream;
    }

    // The loudspeaker thread writes it: the disk is written from a task, so that it cannot stall the call's audio.
    private BackgroundWavFileSink CreateFileSink(string path, AudioFormat format)
    {
        var sink = new BackgroundWavFileSink(path, format, WavSampleFormat.Pcm16);
        _owned.Add(sink);
        return sink;
    }

    private static IAudioSink Tee(IAudioSink? first, IAudioSink second) => first is null ? second : new TeeSink(first, second);

    private static bool TryParseDevice(string spec, out int? index)
    {
        index = null;
        if (spec.Equals("device", StringComparison.OrdinalIgnoreCase))
            return true;
        if (!spec.StartsWith("device:", StringComparison.OrdinalIgnoreCase))
            return false;
        if (!int.TryParse(spec.AsSpan("device:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            throw new CliException($"'{spec}': a device is 'device' or 'device:INDEX' (see the device list of 'beryl devices')", BerylCli.ExitUsage);
        index = value;
        return true;
    }

    private RoomSimulator OpenRoom(string spec)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new CliException($"room setting '{part}' is not NAME=VALUE", BerylCli.ExitUsage);
            settings[part[..equals]] = part[(equals + 1)..];
        }
        string[] known = ["near", "delay", "echo", "rt60", "noise", "drift", "distortion", "ir", "seed"];
        if (settings.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            throw new CliException($"unknown room setting '{unknown}' (known: {string.Join(", ", known)})", BerylCli.ExitUsage);

        IAudioSource? near = null;
        int rate = 48000;
        if (settings.TryGetValue("near", out string? nearPath))
        {
            var file = new WavFileSource(RequireFile(nearPath, "room near"));
            _owned.Add(file);
            if (file.Format.Channels != 1)
                throw new CliException($"the room's near-end talker '{nearPath}' must be mono");
            near = file;
            rate = file.Format.SampleRate;
        }
        float[]? impulse = null;
        if (settings.TryGetValue("ir", out string? irPath))
        {
            var channels = WavReader.ReadAllChannels(RequireFile(irPath, "room ir"), out var irFormat);
            if (irFormat.SampleRate != rate)
                throw new CliException($"the impulse response '{irPath}' is at {irFormat.SampleRate} Hz, the room at {rate} Hz");
            impulse = channels[0];
        }
        var room = new RoomSimulator(new RoomSimulatorOptions
        {
            SampleRate = rate,
            NearEnd = near,
            ImpulseResponse = impulse,
            Delay = TimeSpan.FromMilliseconds(Number(settings, "delay", 100, 0, 1000)),
            EchoGainDb = Number(settings, "echo", 0, -60, 20),
            Rt60Seconds = Number(settings, "rt60", 0.3, 0.05, 2),
            NoiseLevelDb = settings.ContainsKey("noise") ? Number(settings, "noise", -60, -120, 0) : null,
            DriftPpm = Number(settings, "drift", 0, -1000, 1000),
            DistortionDrive = Number(settings, "distortion", 0, 0, 10),
            Seed = (int)Number(settings, "seed", 1, 0, int.MaxValue),
        });
        return room;
    }

    private static double Number(Dictionary<string, string> settings, string name, double fallback, double min, double max)
    {
        if (!settings.TryGetValue(name, out string? text))
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < min || value > max)
            throw new CliException($"room setting {name}={text}: a number from {min} to {max} is needed", BerylCli.ExitUsage);
        return value;
    }

    private static string RequireFile(string path, string what) =>
        File.Exists(path) ? path : throw new CliException($"{what}: '{path}' does not exist");

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _owned.Clear();
    }
}
