using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Synthesis;

/// <summary>Target articulation for one 1 ms control frame.</summary>
internal struct SpeechFrame
{
    public double F1, F2, F3;
    public double Voicing, Aspiration, Frication, FricHz, FricBw, Nasal;
    public double Accent;
}

/// <summary>
/// Plans phrases of pseudo-words as 1 ms control frames: syllables (C)(C)V(C) with stress, durations
/// scaled by the speaking rate, accents on stressed vowels.
/// </summary>
internal sealed class SpeechPlan
{
    private readonly TalkerVoice _voice;
    private readonly DeterministicRandom _rng;
    private readonly double _consonantTotal;

    public SpeechPlan(TalkerVoice voice, DeterministicRandom rng)
    {
        _voice = voice;
        _rng = rng;
        _consonantTotal = Phones.ConsonantWeights.Sum();
    }

    /// <summary>Control frames of one phrase of <paramref name="words"/> words (no leading/trailing pause).</summary>
    public List<SpeechFrame> Phrase(int words)
    {
        var frames = new List<SpeechFrame>();
        for (int w = 0; w < words; w++)
        {
            int syllables = _rng.Chance(0.45) ? 1 : _rng.Chance(0.7) ? 2 : 3;
            int stressed = _rng.NextInt(0, syllables);
            double wordGain = Math.Pow(10, _rng.Uniform(-2.5, 2.5) / 20);
            for (int s = 0; s < syllables; s++)
            {
                bool stress = s == stressed;
                bool final = w == words - 1 && s == syllables - 1;
                Syllable(frames, stress, final, wordGain * (stress ? 1.25 : 0.8));
            }
            if (w < words - 1 && _rng.Chance(0.28))
                Silence(frames, _rng.Uniform(50, 170));
        }
        return frames;
    }

    private double Ms(double ms) => ms / _voice.Rate;

    private Phone RandomConsonant()
    {
        double u = _rng.NextDouble() * _consonantTotal;
        for (int i = 0; i < Phones.Consonants.Length; i++)
        {
            u -= Phones.ConsonantWeights[i];
            if (u <= 0) return Phones.Consonants[i];
        }
        return Phones.Consonants[^1];
    }

    private void Syllable(List<SpeechFrame> f, bool stress, bool final, double amp)
    {
        if (_rng.Chance(0.8))
        {
            var c = RandomConsonant();
            if (c.Kind == PhoneKind.Fricative && !c.Voiced && _rng.Chance(0.25))
            {
                Consonant(f, c, amp);
                string stop = _rng.Pick(new[] { "t", "p", "k" });
                c = Phones.Consonants.First(p => p.Name == stop);
            }
            else if (c.Kind == PhoneKind.Plosive && _rng.Chance(0.2))
            {
                Consonant(f, c, amp);
                string liquid = _rng.Chance(0.5) ? "r" : "l";
                c = Phones.Consonants.First(p => p.Name == liquid);
            }
            Consonant(f, c, amp);
        }
        var v = _rng.Pick(Phones.Vowels);
        double dur = stress ? _rng.Uniform(130, 210) : _rng.Uniform(60, 110);
        if (v.IsDiphthong) dur *= 1.3;
        if (final) dur *= 1.35;
        Vowel(f, v, Ms(dur), amp * (final ? 0.85 : 1.0), stress ? _rng.Uniform(0.1, 0.22) : 0.0);
        if (_rng.Chance(0.45)) Consonant(f, RandomConsonant(), amp * 0.8);
    }

    private void Vowel(List<SpeechFrame> f, Phone v, double durMs, double amp, double accent)
    {
        int n = Math.Max(20, (int)durMs);
        for (int i = 0; i < n; i++)
        {
            double u = (double)i / n;
            double mix = v.IsDiphthong ? Math.Clamp((u - 0.25) / 0.6, 0, 1) : 0;
            f.Add(new SpeechFrame
            {
                F1 = Lerp(v.F1, v.F1End, mix),
                F2 = Lerp(v.F2, v.F2End, mix),
                F3 = Lerp(v.F3, v.F3End, mix),
                Voicing = amp,
                Accent = accent * Math.Sin(Math.PI * u),
            });
        }
    }

    private void Consonant(List<SpeechFrame> f, Phone c, double amp)
    {
        var b = new SpeechFrame { F1 = c.F1, F2 = c.F2, F3 = c.F3 };
        switch (c.Kind)
        {
            case PhoneKind.Fricative:
                Add(f, b with { Frication = c.FricAmp * amp, FricHz = c.FricHz, FricBw = c.FricBw, Voicing = c.Voiced ? 0.3 * amp : 0 },
                    Ms(_rng.Uniform(70, 130)));
                break;
            case PhoneKind.Aspirate:
                Add(f, b with { Aspiration = 0.35 * amp }, Ms(_rng.Uniform(50, 80)));
                break;
            case PhoneKind.Plosive:
                Add(f, b with { Voicing = c.Voiced ? 0.05 * amp : 0 }, Ms(_rng.Uniform(40, 70)));
                Add(f, b with { Frication = c.FricAmp * amp, FricHz = c.FricHz, FricBw = c.FricBw }, _rng.Uniform(6, 12));
                if (!c.Voiced) Add(f, b with { Aspiration = 0.28 * amp }, Ms(_rng.Uniform(25, 50)));
                break;
            case PhoneKind.Nasal:
                Add(f, b with { Voicing = 0.32 * amp, Nasal = 1 }, Ms(_rng.Uniform(50, 85)));
                break;
            default:
                Add(f, b with { Voicing = 0.55 * amp }, Ms(_rng.Uniform(40, 70)));
                break;
        }
    }

    private static void Silence(List<SpeechFrame> f, double ms)
    {
        var last = f.Count > 0 ? f[^1] : new SpeechFrame { F1 = 500, F2 = 1500, F3 = 2500 };
        Add(f, new SpeechFrame { F1 = last.F1, F2 = last.F2, F3 = last.F3 }, ms);
    }

    private static void Add(List<SpeechFrame> f, SpeechFrame frame, double ms)
    {
        int n = Math.Max(1, (int)Math.Round(ms));
        for (int i = 0; i < n; i++) f.Add(frame);
    }

    private static double Lerp(double a, double b, double u) => u <= 0 ? a : a + (b - a) * u;
}
