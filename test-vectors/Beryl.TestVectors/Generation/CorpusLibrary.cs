using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Beryl.Media.Audio;
using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors;

/// <summary>A talker of the corpus and their recordings (paths relative to the corpus root).</summary>
public sealed record CorpusTalker(string Id, IReadOnlyList<string> Files);

/// <summary>
/// Read access to a recordings corpus laid out like shared/corpus (speech/, rir/, noise/, music/ and an
/// optional manifest.json). Only items with role "dev" in the manifest are used (all files without one).
/// WAV files are read directly; Ogg files are decoded with sox when it is installed, else skipped.
/// </summary>
public sealed partial class CorpusLibrary
{
    private static readonly object CacheLock = new();
    private static readonly Dictionary<(string, int), float[][]> Cache = new();

    private CorpusLibrary(string root, IReadOnlyList<CorpusTalker> talkers, IReadOnlyList<string> rirs,
        IReadOnlyList<string> noises, IReadOnlyList<string> music)
    {
        Root = root;
        Talkers = talkers;
        RirFiles = rirs;
        NoiseFiles = noises;
        MusicFiles = music;
    }

    /// <summary>Corpus root folder.</summary>
    public string Root { get; }

    /// <summary>Speech talkers (files grouped by speaker), sorted by id.</summary>
    public IReadOnlyList<CorpusTalker> Talkers { get; }

    /// <summary>Room impulse response files.</summary>
    public IReadOnlyList<string> RirFiles { get; }

    /// <summary>Background noise files.</summary>
    public IReadOnlyList<string> NoiseFiles { get; }

    /// <summary>Music files.</summary>
    public IReadOnlyList<string> MusicFiles { get; }

    /// <summary>Opens <paramref name="dir"/>; null when it is null or does not exist.</summary>
    public static CorpusLibrary? Open(string? dir)
    {
        if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir)) return null;
        string root = Path.GetFullPath(dir);
        var allowed = DevFiles(root);
        bool sox = SoxAvailable();
        List<string> List(string sub) => Directory.Exists(Path.Combine(root, sub))
            ? Directory.GetFiles(Path.Combine(root, sub))
                .Select(f => sub + "/" + Path.GetFileName(f))
                .Where(f => f.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) || (sox && f.EndsWith(".ogg", StringComparison.OrdinalIgnoreCase)))
                .Where(f => allowed == null || allowed.Contains(f))
                .OrderBy(f => f, StringComparer.Ordinal).ToList()
            : [];
        var talkers = List("speech").GroupBy(TalkerId).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CorpusTalker(g.Key, g.ToArray())).ToArray();
        return new CorpusLibrary(root, talkers, List("rir"), List("noise"), List("music"));
    }

    /// <summary>Talker id of a speech file: the name without utterance numbers.</summary>
    public static string TalkerId(string file)
    {
        string n = Path.GetFileNameWithoutExtension(file);
        n = UtteranceSuffix().Replace(n, "");
        return n;
    }

    /// <summary>All channels of a corpus file at its own rate.</summary>
    public float[][] Read(string relativePath, out int sampleRate)
    {
        string path = Path.Combine(Root, relativePath);
        if (relativePath.EndsWith(".ogg", StringComparison.OrdinalIgnoreCase)) path = DecodeWithSox(path);
        var x = WavReader.ReadAllChannels(path, out var f);
        sampleRate = f.SampleRate;
        return x;
    }

    /// <summary>A corpus file mixed down to mono and resampled to <paramref name="sampleRate"/> (cached for the process; do not modify).</summary>
    public float[] ReadMono(string relativePath, int sampleRate) => ReadChannels(relativePath, sampleRate, 1)[0];

    /// <summary>
    /// A corpus file resampled to <paramref name="sampleRate"/> with <paramref name="channels"/> channels
    /// (mono is duplicated, extra channels are mixed down), cached.
    /// </summary>
    public float[][] ReadChannels(string relativePath, int sampleRate, int channels)
    {
        string key = Path.Combine(Root, relativePath) + "#" + channels;
        lock (Cache)
        {
            if (Cache.TryGetValue((key, sampleRate), out var hit)) return hit;
        }
        var x = Read(relativePath, out int rate);
        var outCh = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            float[] src;
            if (channels == 1 && x.Length > 1)
            {
                src = new float[x[0].Length];
                for (int i = 0; i < src.Length; i++)
                {
                    double s = 0;
                    foreach (var ch in x) s += ch[i];
                    src[i] = (float)(s / x.Length);
                }
            }
            else src = x[Math.Min(c, x.Length - 1)];
            outCh[c] = Resampler.Resample(src, rate, sampleRate);
        }
        lock (Cache) Cache[(key, sampleRate)] = outCh;
        return outCh;
    }

    private static HashSet<string>? DevFiles(string root)
    {
        string manifest = Path.Combine(root, "manifest.json");
        if (!File.Exists(manifest)) return null;
        try
        {
            var items = JsonNode.Parse(File.ReadAllText(manifest))?["items"] as JsonArray;
            if (items == null) return null;
            return items.OfType<JsonObject>()
                .Where(i => (string?)i["role"] == "dev" && i["file"] != null)
                .Select(i => (string)i["file"]!).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static bool SoxAvailable() => FindOnPath("sox") != null;

    private static string? FindOnPath(string exe)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            string p = Path.Combine(dir, exe);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static string DecodeWithSox(string oggPath)
    {
        var info = new FileInfo(oggPath);
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}")))[..24];
        string cacheDir = Path.Combine(Path.GetTempPath(), "beryl-corpus-cache");
        string target = Path.Combine(cacheDir, key + ".wav");
        lock (CacheLock)
        {
            if (File.Exists(target)) return target;
            Directory.CreateDirectory(cacheDir);
            string tmp = target + "." + Environment.ProcessId + ".tmp.wav";
            var psi = new ProcessStartInfo(FindOnPath("sox") ?? "sox") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "-q", oggPath, "-t", "wav", "-e", "floating-point", "-b", "32", tmp }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start sox");
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0 || !File.Exists(tmp))
                throw new InvalidDataException($"sox could not decode {oggPath}: {err.Trim()}");
            File.Move(tmp, target, true);
            return target;
        }
    }

    [GeneratedRegex(@"(_a\d{4}|-\d+-\d+|_\d+kHz)$")]
    private static partial Regex UtteranceSuffix();
}
