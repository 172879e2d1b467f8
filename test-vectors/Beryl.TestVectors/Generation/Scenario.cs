using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Beryl.Media.Audio;

namespace Beryl.TestVectors;

/// <summary>
/// A rendered echo scenario in memory: far-end reference, mic (= echo + near + noise exactly, on the
/// int16 grid), the components, the true echo path and the metadata. Signals are [channel][frame].
/// </summary>
public sealed class Scenario
{
    /// <summary>File names of the on-disk layout.</summary>
    public const string FarFile = "far.wav", MicFile = "mic.wav", NearFile = "near.wav", EchoFile = "echo.wav",
        NoiseFile = "noise.wav", EchoRirFile = "echo_rir.wav", EchoRirAfterChangeFile = "echo_rir_after_change.wav",
        MetaFile = "meta.json";

    private readonly JsonObject _metaJson;

    /// <summary>Assembles a scenario; <paramref name="metaJson"/> is the full meta.json content (core fields plus details).</summary>
    public Scenario(ScenarioSpec spec, ScenarioMeta meta, JsonObject metaJson, float[][] far, float[][] mic, float[][] near,
        float[][] echo, float[][]? noise, float[][] echoRir, float[][]? echoRirAfterChange)
    {
        Spec = spec;
        Meta = meta;
        _metaJson = metaJson;
        Far = far;
        Mic = mic;
        Near = near;
        Echo = echo;
        Noise = noise;
        EchoRir = echoRir;
        EchoRirAfterChange = echoRirAfterChange;
    }

    /// <summary>The spec the scenario was rendered from (reconstructed best-effort for foreign scenarios).</summary>
    public ScenarioSpec Spec { get; }

    /// <summary>Parsed core metadata (rate, channels, segments, ...).</summary>
    public ScenarioMeta Meta { get; }

    /// <summary>Sample rate in Hz.</summary>
    public int SampleRate => Meta.SampleRate;

    /// <summary>Number of frames.</summary>
    public int Length => Mic[0].Length;

    /// <summary>Far-end reference as delivered to the AEC, [render channel][frame].</summary>
    public float[][] Far { get; }

    /// <summary>Microphone signal, [capture channel][frame].</summary>
    public float[][] Mic { get; }

    /// <summary>Near-end speech as picked up by the mic.</summary>
    public float[][] Near { get; }

    /// <summary>Echo component of the mic.</summary>
    public float[][] Echo { get; }

    /// <summary>Noise component of the mic, or null without noise.</summary>
    public float[][]? Noise { get; }

    /// <summary>
    /// True echo path including the echo gain (before the bulk delay/drift), capture-major:
    /// index mic * RenderChannels + speaker.
    /// </summary>
    public float[][] EchoRir { get; }

    /// <summary>Echo path after the echo path change, same layout, or null.</summary>
    public float[][]? EchoRirAfterChange { get; }

    /// <summary>The complete meta.json text.</summary>
    public string MetaJson => _metaJson.ToJsonString(JsonOptions);

    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>
    /// Writes the scenario in the dev-set layout to <paramref name="dir"/> (created if needed): far/mic/near/echo
    /// (and noise) as int16 WAV, echo_rir as float32 WAV, meta.json with the files' SHA-256.
    /// </summary>
    public void WriteTo(string dir)
    {
        Directory.CreateDirectory(dir);
        var files = new JsonObject();
        void Wav(string name, IReadOnlyList<float[]> data, WavSampleFormat format)
        {
            string p = Path.Combine(dir, name);
            WavWriter.WriteAll(p, SampleRate, data, format);
            files[name] = new JsonObject { ["sha256"] = Sha256(p) };
        }
        Wav(EchoFile, Echo, WavSampleFormat.Pcm16);
        Wav(EchoRirFile, EchoRir, WavSampleFormat.Float32);
        if (EchoRirAfterChange != null) Wav(EchoRirAfterChangeFile, EchoRirAfterChange, WavSampleFormat.Float32);
        else File.Delete(Path.Combine(dir, EchoRirAfterChangeFile));
        Wav(FarFile, Far, WavSampleFormat.Pcm16);
        Wav(MicFile, Mic, WavSampleFormat.Pcm16);
        Wav(NearFile, Near, WavSampleFormat.Pcm16);
        if (Noise != null) Wav(NoiseFile, Noise, WavSampleFormat.Pcm16);
        else File.Delete(Path.Combine(dir, NoiseFile));
        var meta = (JsonObject)_metaJson.DeepClone();
        meta["files"] = files;
        File.WriteAllText(Path.Combine(dir, MetaFile), meta.ToJsonString(JsonOptions) + "\n");
    }

    /// <summary>
    /// Loads a scenario directory (this generator's or the dev set's layout). Requires meta.json, far.wav,
    /// mic.wav, near.wav and echo.wav; noise.wav and the RIR files are optional.
    /// </summary>
    /// <exception cref="ScenarioMetaException">meta.json is malformed.</exception>
    /// <exception cref="FileNotFoundException">A required file is missing.</exception>
    /// <exception cref="InvalidDataException">The WAV files disagree with meta.json or each other.</exception>
    public static Scenario Load(string dir)
    {
        string metaPath = Path.Combine(dir, MetaFile);
        var meta = ScenarioMeta.Load(metaPath);
        var root = (JsonObject)JsonNode.Parse(File.ReadAllText(metaPath))!;
        float[][] Read(string name, bool required, int? channels)
        {
            string p = Path.Combine(dir, name);
            if (!File.Exists(p))
            {
                if (required) throw new FileNotFoundException($"{dir}: missing {name}", p);
                return null!;
            }
            var x = WavReader.ReadAllChannels(p, out var f);
            if (f.SampleRate != meta.SampleRate)
                throw new InvalidDataException($"{p}: sample rate {f.SampleRate} != meta.json sample_rate {meta.SampleRate}");
            if (channels is int c && f.Channels != c)
                throw new InvalidDataException($"{p}: {f.Channels} channels, meta.json says {c}");
            return x;
        }
        var far = Read(FarFile, true, meta.RenderChannels);
        var mic = Read(MicFile, true, meta.Channels);
        var near = Read(NearFile, true, meta.Channels);
        var echo = Read(EchoFile, true, meta.Channels);
        var noise = Read(NoiseFile, false, meta.Channels);
        var rir = Read(EchoRirFile, false, null) ?? [];
        var rir2 = Read(EchoRirAfterChangeFile, false, null);
        int n = mic[0].Length;
        foreach (var (name, x) in new[] { (FarFile, far), (NearFile, near), (EchoFile, echo), (NoiseFile, noise) })
            if (x != null && x[0].Length != n)
                throw new InvalidDataException($"{dir}: {name} has {x[0].Length} frames, mic.wav has {n}");
        var spec = ScenarioSpecJson.FromJson(root["generator"]?["spec"] as JsonObject, meta) ?? ScenarioSpecJson.FromMeta(meta, root);
        root.Remove("files");
        return new Scenario(spec, meta, root, far, mic, near, echo, noise, rir, rir2);
    }

    private static string Sha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
