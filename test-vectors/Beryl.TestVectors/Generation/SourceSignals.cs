using System.Text.Json.Nodes;
using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Synthesis;

namespace Beryl.TestVectors;

/// <summary>Builds the far-end, near-end and noise source signals of a scenario (before levels are set).</summary>
internal sealed class SourceSignals(ScenarioSpec spec, CorpusLibrary? corpus, DeterministicRandom rng, ISet<string> sourcesUsed)
{
    private readonly int _sr = spec.SampleRate;

    /// <summary>Picks far talkers (render channels of them) and one near talker, all different.</summary>
    public (ITalkSource[] Far, ITalkSource Near) Talkers()
    {
        var r = rng.Fork("talkers");
        int farCount = spec.RenderChannels;
        if (corpus != null && corpus.Talkers.Count >= farCount + 1)
        {
            var order = corpus.Talkers.OrderBy(_ => r.NextDouble()).Take(farCount + 1).ToArray();
            return (order.Take(farCount).Select((t, i) => (ITalkSource)new CorpusTalkSource(corpus, t, _sr, r.Fork("far" + i), sourcesUsed)).ToArray(),
                new CorpusTalkSource(corpus, order[^1], _sr, r.Fork("near"), sourcesUsed));
        }
        var voices = TalkerVoice.Presets.OrderBy(_ => r.NextDouble()).Take(farCount + 1).ToArray();
        return (voices.Take(farCount).Select((v, i) => (ITalkSource)new SynthTalkSource(v, _sr, r.Fork("far" + i))).ToArray(),
            new SynthTalkSource(voices[^1], _sr, r.Fork("near")));
    }

    /// <summary>Far-end signal [render][frame] active on <paramref name="intervals"/> (render-clock sample ranges).</summary>
    public float[][] Far(int frames, IReadOnlyList<(int Start, int End)> intervals, ITalkSource[] talkers, out JsonObject info)
    {
        var far = new float[spec.RenderChannels][];
        for (int c = 0; c < far.Length; c++) far[c] = new float[frames];
        if (spec.FarSource == FarSource.Music)
        {
            var music = Music(intervals.Sum(i => i.End - i.Start), out info);
            int pos = 0;
            foreach (var (s, e) in intervals)
            {
                for (int c = 0; c < far.Length; c++)
                {
                    var part = music[c].AsSpan(pos, e - s).ToArray();
                    Fades.FadeIn(part, _sr / 50);
                    Fades.FadeOut(part, _sr / 50);
                    part.CopyTo(far[c], s);
                }
                pos += e - s;
            }
            return far;
        }
        if (talkers.Length == 1)
        {
            foreach (var (s, e) in intervals) talkers[0].Talk(e - s).CopyTo(far[0], s);
            info = new JsonObject { ["kind"] = "speech", ["talkers"] = new JsonArray(talkers[0].Id) };
            return far;
        }
        // Stereo: two talkers taking turns, panned with level and time differences (correlated channels).
        var tracks = new[] { new float[frames], new float[frames] };
        var r = rng.Fork("turns");
        foreach (var (s, e) in intervals)
        {
            int pos = s, who = r.NextInt(0, 2);
            while (pos < e)
            {
                int len = Math.Min(e - pos, (int)(r.Uniform(1.5, 3.0) * _sr));
                if (e - (pos + len) < _sr / 2) len = e - pos;
                talkers[who].Talk(len).CopyTo(tracks[who], pos);
                pos += len;
                who = 1 - who;
            }
        }
        double[,] pan = { { 1.0, 0.4 }, { 0.35, 1.0 } };   // [output channel, talker]
        double itd = 0.00025 * _sr;
        var delayed = tracks.Select(t => TimeWarp.Apply(t.Select(v => (double)v).ToArray(), frames, itd, 0)).ToArray();
        for (int i = 0; i < frames; i++)
        {
            far[0][i] = (float)(pan[0, 0] * tracks[0][i] + pan[0, 1] * delayed[1][i]);
            far[1][i] = (float)(pan[1, 0] * delayed[0][i] + pan[1, 1] * tracks[1][i]);
        }
        info = new JsonObject
        {
            ["kind"] = "speech_stereo",
            ["talkers"] = new JsonArray(talkers[0].Id, talkers[1].Id),
            ["pan"] = new JsonArray(new JsonArray(1.0, 0.35), new JsonArray(0.4, 1.0)),
            ["itd_ms"] = new JsonArray(0.25, -0.25),
        };
        return far;
    }

    private float[][] Music(int length, out JsonObject info)
    {
        int ch = spec.RenderChannels;
        string? file = corpus?.MusicFiles.FirstOrDefault(f => f.Contains("vibe_ace")) ?? corpus?.MusicFiles.FirstOrDefault();
        if (file != null)
        {
            var raw = corpus!.Read(file, out int rate);
            sourcesUsed.Add("corpus:" + file);
            int need = (int)((long)length * rate / _sr) + rate / 10;
            int offset = raw[0].Length > need + 12 * rate ? 12 * rate : 0;
            info = new JsonObject { ["kind"] = "music", ["file"] = file, ["start_s"] = (double)offset / rate };
            return Enumerable.Range(0, ch).Select(c =>
            {
                var src = ch == 1 && raw.Length > 1
                    ? Enumerable.Range(0, raw[0].Length).Select(i => raw.Average(r => r[i])).ToArray()
                    : raw[Math.Min(c, raw.Length - 1)];
                var excerpt = Loop(src, offset, Math.Min(need, src.Length));
                return Loop(Resampler.Resample(excerpt, rate, _sr), 0, length);
            }).ToArray();
        }
        info = new JsonObject { ["kind"] = "music", ["id"] = "synth_music" };
        return new MusicSynthesizer(_sr, rng.Fork("music")).Render(length, ch);
    }

    /// <summary>Near-end talk (dry, mic time) on <paramref name="intervals"/>.</summary>
    public float[] Near(int frames, IReadOnlyList<(int Start, int End)> intervals, ITalkSource talker)
    {
        var y = new float[frames];
        foreach (var (s, e) in intervals) talker.Talk(e - s).CopyTo(y, s);
        return y;
    }

    /// <summary>Background noise [capture][frame] of unspecified level.</summary>
    public float[][] Noise(int frames, RoomLayout room, out JsonObject info)
    {
        int cap = spec.CaptureChannels;
        var r = rng.Fork("noise");
        if (spec.NoiseKind == NoiseKind.Babble) return Babble(frames, room, r, out info);
        string? file = corpus?.NoiseFiles.FirstOrDefault(f => f.Contains("exercise_bike")) ?? corpus?.NoiseFiles.FirstOrDefault();
        if (file != null)
        {
            var x = corpus!.ReadMono(file, _sr);
            sourcesUsed.Add("corpus:" + file);
            info = new JsonObject { ["kind"] = "file", ["file"] = file };
            return Enumerable.Range(0, cap).Select(c => Loop(x, r.NextInt(0, Math.Max(1, x.Length - frames)), frames)).ToArray();
        }
        info = new JsonObject { ["kind"] = "synth_stationary" };
        return NoiseSynthesizer.Stationary(frames, cap, _sr, r);
    }

    private float[][] Babble(int frames, RoomLayout room, DeterministicRandom r, out JsonObject info)
    {
        int cap = spec.CaptureChannels;
        var mix = new double[cap][];
        for (int c = 0; c < cap; c++) mix[c] = new double[frames];
        var ids = new JsonArray();
        const int count = 5;
        for (int k = 0; k < count; k++)
        {
            ITalkSource src = corpus != null && corpus.Talkers.Count > 0
                ? new CorpusTalkSource(corpus, corpus.Talkers[k % corpus.Talkers.Count], _sr, r.Fork("babble" + k), sourcesUsed)
                : new SynthTalkSource(TalkerVoice.Random(r, $"babble_{k}"), _sr, r.Fork("babble" + k));
            ids.Add(src.Id);
            int offset = r.NextInt(0, _sr);
            var talk = new float[frames];
            src.Talk(frames - offset).CopyTo(talk, offset);
            double gain = Math.Pow(10, r.Uniform(-3, 3) / 20);
            double angle = r.Uniform(0, 2 * Math.PI), dist = r.Uniform(1.5, 4.0);
            var mic0 = room.Mics[0];
            var pos = room.Room.Clamp(new Point3(mic0.X + dist * Math.Cos(angle), mic0.Y + dist * Math.Sin(angle), r.Uniform(1.1, 1.7)), 0.3);
            for (int c = 0; c < cap; c++)
            {
                var h = RoomImpulseResponse.Synthesize(room.Room, pos, room.Mics[c], Math.Max(0.3, spec.Rt60S), _sr, r.Fork($"b{k}m{c}"));
                var y = FftConvolver.Convolve(talk, h.Select(v => (float)v).ToArray(), frames);
                for (int i = 0; i < frames; i++) mix[c][i] += gain * y[i];
            }
        }
        info = new JsonObject { ["kind"] = "babble", ["talkers"] = ids };
        return mix.Select(ch => ch.Select(v => (float)v).ToArray()).ToArray();
    }

    /// <summary><paramref name="length"/> samples of <paramref name="x"/> from <paramref name="offset"/>, looping with a 50 ms cross-fade.</summary>
    internal static float[] Loop(float[] x, int offset, int length)
    {
        var y = new float[length];
        if (x.Length == 0) return y;
        int fade = Math.Min(x.Length / 4, 2400);
        int pos = 0, src = Math.Min(offset, x.Length - 1);
        while (pos < length)
        {
            int n = Math.Min(length - pos, x.Length - src);
            for (int i = 0; i < n; i++)
            {
                double w = pos > 0 && i < fade ? (double)i / fade : 1.0;
                y[pos + i] = (float)(y[pos + i] * (1 - w) + x[src + i] * w);
            }
            pos += n;
            if (pos >= length) break;
            pos = Math.Max(0, pos - fade);
            src = 0;
        }
        return y;
    }
}
