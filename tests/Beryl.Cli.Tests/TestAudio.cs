using Beryl.Media.Audio;

namespace Beryl.Cli.Tests;

/// <summary>Small deterministic WAV files for the tests, in a per-test temporary folder.</summary>
internal sealed class TestFolder : IDisposable
{
    public TestFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "beryl-cli-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Files whose name marks them as leftovers of an atomic write.</summary>
    public string[] TempFiles() => Directory.GetFiles(Path, "*.tmp-*", SearchOption.AllDirectories);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class TestAudio
{
    /// <summary>Writes a WAV of noise-like tones, <paramref name="frames"/> samples per channel.</summary>
    public static string Write(string path, int rate, int channels, long frames, WavSampleFormat format = WavSampleFormat.Pcm16, int seed = 1)
    {
        var rng = new Random(seed);
        using var w = WavWriter.Create(path, new WavFormat(rate, channels, format));
        var buf = new float[1000 * channels];
        long done = 0;
        while (done < frames)
        {
            int n = (int)Math.Min(1000, frames - done);
            for (int i = 0; i < n; i++)
            {
                double t = (double)(done + i) / rate;
                for (int c = 0; c < channels; c++)
                    buf[i * channels + c] = (float)(0.3 * Math.Sin(2 * Math.PI * (220 + 110 * c) * t) + 0.05 * (rng.NextDouble() - 0.5));
            }

            w.Write(buf.AsSpan(0, n * channels));
            done += n;
        }

        return path;
    }

    public static (WavFormat Format, long Frames) Info(string path)
    {
        using var r = WavReader.Open(path);
        var buf = new float[4096 * r.Format.Channels];
        long total = 0;
        int got;
        while ((got = r.Read(buf)) > 0)
            total += got;
        return (r.Format, total);
    }

    public static float[] ReadAll(string path)
    {
        using var r = WavReader.Open(path);
        var list = new List<float>();
        var buf = new float[4096 * r.Format.Channels];
        int got;
        while ((got = r.Read(buf)) > 0)
            list.AddRange(buf.AsSpan(0, got * r.Format.Channels).ToArray());
        return list.ToArray();
    }
}

/// <summary>Runs the CLI in-process and captures its output.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args) => Of(CancellationToken.None, args);

    public static CliRun Of(CancellationToken ct, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = BerylCli.Run(args, new CliContext(stdout, stderr) { CancellationToken = ct });
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Out}\nstderr: {Error}";
}
