using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Synthesis;

namespace Beryl.TestVectors;

/// <summary>Something that can talk continuously for a given number of samples.</summary>
internal interface ITalkSource
{
    /// <summary>Talker id for meta.json.</summary>
    string Id { get; }

    /// <summary>Exactly <paramref name="samples"/> samples of talk starting with speech (faded out at the end).</summary>
    float[] Talk(int samples);
}

/// <summary>A synthetic talker.</summary>
internal sealed class SynthTalkSource(TalkerVoice voice, int sampleRate, DeterministicRandom rng) : ITalkSource
{
    private readonly SpeechSynthesizer _synth = new(voice, sampleRate, rng);

    public string Id => voice.Id;

    public float[] Talk(int samples) => _synth.Talk(samples);
}

/// <summary>A corpus talker: their recordings in random order, silences trimmed, joined by short pauses.</summary>
internal sealed class CorpusTalkSource(CorpusLibrary corpus, CorpusTalker talker, int sampleRate, DeterministicRandom rng, ISet<string> used)
    : ITalkSource
{
    public string Id => talker.Id;

    public float[] Talk(int samples)
    {
        var y = new float[samples];
        int pos = 0;
        var order = talker.Files.OrderBy(_ => rng.NextDouble()).ToList();
        int k = 0;
        while (pos < samples)
        {
            string file = order[k++ % order.Count];
            used.Add("corpus:" + file);
            var x = Trim(corpus.ReadMono(file, sampleRate), sampleRate);
            int n = Math.Min(x.Length, samples - pos);
            Array.Copy(x, 0, y, pos, n);
            pos += n + (int)(rng.Uniform(0.25, 0.6) * sampleRate);
        }
        Fades.FadeOut(y, (int)(0.02 * sampleRate));
        return y;
    }

    /// <summary>Cuts leading/trailing 10 ms frames more than 40 dB below the loudest frame (10 ms margin, faded).</summary>
    internal static float[] Trim(float[] x, int sampleRate)
    {
        int frame = Math.Max(1, sampleRate / 100);
        int frames = x.Length / frame;
        if (frames < 3) return x;
        var p = new double[frames];
        for (int f = 0; f < frames; f++)
            for (int i = f * frame; i < (f + 1) * frame; i++) p[f] += (double)x[i] * x[i];
        double thr = p.Max() * 1e-4;
        int first = Array.FindIndex(p, v => v > thr), last = Array.FindLastIndex(p, v => v > thr);
        if (first < 0) return [];
        int a = Math.Max(0, (first - 1) * frame), b = Math.Min(x.Length, (last + 2) * frame);
        var y = x[a..b];
        Fades.FadeIn(y, frame);
        Fades.FadeOut(y, frame);
        return y;
    }
}
