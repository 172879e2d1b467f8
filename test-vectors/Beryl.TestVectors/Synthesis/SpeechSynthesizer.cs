using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Synthesis;

/// <summary>
/// Formant speech synthesiser producing speech-like signals without any recordings: a glottal pulse
/// train (F0 contour with declination, accents, slow wander and jitter/shimmer) and aspiration noise
/// through five cascaded time-varying formant resonators, plus band-passed frication noise for
/// fricatives and plosive bursts. Phrases of pseudo-words give syllabic 3-6 Hz envelopes and pauses.
/// </summary>
public sealed class SpeechSynthesizer
{
    private const double FrameMs = 1.0;
    private readonly TalkerVoice _voice;
    private readonly int _sr;
    private readonly DeterministicRandom _rng;
    private readonly SpeechPlan _plan;

    /// <summary>Creates a synthesiser for one talker.</summary>
    public SpeechSynthesizer(TalkerVoice voice, int sampleRate, DeterministicRandom rng)
    {
        _voice = voice;
        _sr = sampleRate;
        _rng = rng;
        _plan = new SpeechPlan(voice, rng.Fork("plan"));
    }

    /// <summary>The talker.</summary>
    public TalkerVoice Voice => _voice;

    /// <summary>One phrase of <paramref name="words"/> pseudo-words, without leading or trailing pause.</summary>
    public float[] Phrase(int words) => Render(_plan.Phrase(words));

    /// <summary>
    /// Continuous talk of exactly <paramref name="samples"/> samples: phrases of 3-9 words separated by
    /// 0.25-0.7 s pauses, starting with speech, faded out over the last 20 ms.
    /// </summary>
    public float[] Talk(int samples)
    {
        var y = new float[samples];
        int pos = 0;
        while (pos < samples)
        {
            var p = Phrase(_rng.NextInt(3, 10));
            int n = Math.Min(p.Length, samples - pos);
            Array.Copy(p, 0, y, pos, n);
            pos += n + (int)(_rng.Uniform(0.25, 0.7) * _sr);
        }
        Fades.FadeOut(y, (int)(0.02 * _sr));
        return y;
    }

    private float[] Render(List<SpeechFrame> frames)
    {
        int frameLen = (int)Math.Round(_sr * FrameMs / 1000);
        int n = frames.Count * frameLen;
        var y = new float[n];
        double nyq = 0.45 * _sr;
        double scale = _voice.FormantScale;
        var res = new Resonator[5];
        var fric = new BandPassFilter();
        var hp = Butterworth.HighPass2(70, _sr);
        double hz0 = 0, hz1 = 0;
        double f1 = frames[0].F1 * scale, f2 = frames[0].F2 * scale, f3 = frames[0].F3 * scale;
        double av = 0, ah = 0, af = 0, nasal = 0, fricHz = 3000, fricBw = 2000;
        double kForm = 1 - Math.Exp(-1.0 / 14), kAv = 1 - Math.Exp(-1.0 / 4), kNoise = 1 - Math.Exp(-1.0 / 1.5);
        double phase = 0, periodF0 = _voice.F0Hz, shimmer = 1, tilt = 0;
        double wanderA = _rng.Uniform(0, 2 * Math.PI), wanderB = _rng.Uniform(0, 2 * Math.PI);
        double oq = _voice.OpenQuotient;
        for (int fi = 0; fi < frames.Count; fi++)
        {
            var t = frames[fi];
            f1 += kForm * (t.F1 * scale - f1);
            f2 += kForm * (t.F2 * scale - f2);
            f3 += kForm * (t.F3 * scale - f3);
            av += kAv * (t.Voicing - av);
            ah += kNoise * (t.Aspiration - ah);
            af += kNoise * (t.Frication - af);
            nasal += kAv * (t.Nasal - nasal);
            if (t.Frication > 0)
            {
                fricHz = Math.Min(t.FricHz * (0.5 + 0.5 * scale), nyq * 0.95);
                fricBw = t.FricBw * (0.5 + 0.5 * scale);
            }
            double n1 = nasal > 0.5 ? 250 : f1;
            res[0].Set(Math.Min(n1, nyq), 60 + 40 * nasal + 0.06 * n1, _sr);
            res[1].Set(Math.Min(f2, nyq), 90 + 0.04 * f2 + 150 * nasal, _sr);
            res[2].Set(Math.Min(f3, nyq), 130 + 0.03 * f3, _sr);
            res[3].Set(Math.Min(3450 * scale, nyq), 250, _sr);
            res[4].Set(Math.Min(4400 * scale, nyq), 350, _sr);
            fric.Set(fricHz, fricBw, _sr);
            double time = (double)fi * FrameMs / 1000;
            double pos = (double)fi / frames.Count;
            double f0Target = _voice.F0Hz * (1.1 - 0.22 * pos) * (1 + t.Accent)
                              * (1 + 0.025 * Math.Sin(2 * Math.PI * 0.7 * time + wanderA) + 0.015 * Math.Sin(2 * Math.PI * 1.9 * time + wanderB));
            f0Target = Math.Clamp(f0Target, 70, 320);
            double tiltCoef = 0.8 * nasal;
            for (int k = 0; k < frameLen; k++)
            {
                phase += periodF0 / _sr;
                if (phase >= 1)
                {
                    phase -= 1;
                    periodF0 = f0Target * (1 + 0.01 * _rng.NextGaussian());
                    shimmer = 1 + 0.05 * _rng.NextGaussian();
                }
                double x = phase < oq ? phase / oq : 1.0;
                double glottal = x < 1.0 ? (2 * x - 3 * x * x) : 0.0;
                double open = x < 1.0 ? 1.0 : 0.3;
                double noise = Uniform() * 1.7;
                double src = av * shimmer * glottal + (ah + _voice.Breathiness * av * 0.35 * open) * noise * 0.5;
                tilt = tilt * tiltCoef + (1 - tiltCoef) * src;
                double v = tilt;
                for (int r = 0; r < res.Length; r++) v = res[r].Process(v);
                double fr = fric.Process(Uniform() * 1.7) * af * FricationGain;
                double o = v * 0.05 + fr;
                double yv = hp.B0 * o + hz0;
                hz0 = hp.B1 * o - hp.A1 * yv + hz1;
                hz1 = hp.B2 * o - hp.A2 * yv;
                y[fi * frameLen + k] = (float)yv;
            }
        }
        return y;
    }

    private double Uniform() => 2 * _rng.NextDouble() - 1;
    private const double FricationGain = 0.07;
}
