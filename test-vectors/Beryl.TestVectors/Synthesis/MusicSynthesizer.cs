using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Synthesis;

/// <summary>
/// Music-like signals without recordings: a chord progression of harmonic tones (pad), a plucked
/// bass line, a melody with vibrato and a drum pattern (kick, snare, hi-hat), at a random tempo and key.
/// </summary>
public sealed class MusicSynthesizer
{
    private static readonly int[][] Progressions =
    [
        [0, 7, 9, 5],   // I V vi IV
        [2, 7, 0, 9],   // ii V I vi
        [0, 5, 7, 7],   // I IV V V
        [9, 5, 0, 7],   // vi IV I V
    ];

    private static readonly int[] Major = [0, 2, 4, 5, 7, 9, 11];
    private readonly int _sr;
    private readonly DeterministicRandom _rng;

    /// <summary>Creates a synthesiser.</summary>
    public MusicSynthesizer(int sampleRate, DeterministicRandom rng)
    {
        _sr = sampleRate;
        _rng = rng;
    }

    /// <summary>Renders <paramref name="samples"/> samples of music on <paramref name="channels"/> channels (instruments panned).</summary>
    public float[][] Render(int samples, int channels)
    {
        var mix = new double[channels][];
        for (int c = 0; c < channels; c++) mix[c] = new double[samples];
        double bpm = _rng.Uniform(88, 132);
        double beat = 60.0 / bpm;
        int root = _rng.NextInt(45, 57);
        var prog = _rng.Pick(Progressions);
        double maxHz = 0.45 * _sr;
        int beats = (int)Math.Ceiling(samples / (_sr * beat)) + 1;
        for (int b = 0; b < beats; b++)
        {
            double t0 = b * beat;
            int bar = b / 4, inBar = b % 4;
            int chordRoot = root + prog[bar % prog.Length];
            bool minor = prog[bar % prog.Length] is 2 or 9 or 4;
            if (inBar == 0)
            {
                int[] chord = [chordRoot + 12, chordRoot + (minor ? 15 : 16), chordRoot + 19, chordRoot + 24];
                foreach (var note in chord)
                    Tone(mix, Pan(channels, 0.5 + _rng.Uniform(-0.3, 0.3)), t0, 4 * beat, Hz(note), 0.10, 6, 1.4, 0.03, 0.3, 0.15, maxHz);
            }
            Tone(mix, Pan(channels, 0.5), t0, beat * 0.9, Hz(chordRoot - 12 + (inBar == 2 ? 7 : 0)), 0.3, 5, 1.1, 0.005, 0.25, 0.0, maxHz);
            for (int half = 0; half < 2; half++)
            {
                if (_rng.Chance(0.3)) continue;
                int degree = _rng.NextInt(0, 7);
                int note = root + 24 + Major[degree] + (_rng.Chance(0.2) ? 12 : 0);
                double len = beat / 2 * (_rng.Chance(0.3) ? 2 : 1);
                Tone(mix, Pan(channels, 0.35), t0 + half * beat / 2, len * 0.95, Hz(note), 0.16, 8, 1.0, 0.015, 0.5, 0.4, maxHz);
            }
            if (inBar is 0 or 2) Kick(mix, t0);
            if (inBar is 1 or 3) Snare(mix, t0);
            Hat(mix, t0);
            Hat(mix, t0 + beat / 2);
        }
        var result = new float[channels][];
        for (int c = 0; c < channels; c++) result[c] = mix[c].Select(v => (float)v).ToArray();
        return result;
    }

    private static double Hz(int midi) => 440.0 * Math.Pow(2, (midi - 69) / 12.0);

    private static double[] Pan(int channels, double p)
        => channels == 1 ? [1.0] : [Math.Cos(p * Math.PI / 2), Math.Sin(p * Math.PI / 2)];

    /// <summary>Adds a harmonic tone with attack, exponential decay/sustain and release.</summary>
    private void Tone(double[][] mix, double[] gains, double t0, double dur, double f0, double amp, int harmonics,
        double rolloff, double attack, double decayS, double vibrato, double maxHz)
    {
        var table = new Wavetable(Wavetable.HarmonicsBelow(f0, maxHz, harmonics), rolloff);
        int start = (int)(t0 * _sr);
        double release = 0.08;
        int len = (int)((dur + release) * _sr);
        double phase = _rng.NextDouble();
        double vibPhase = _rng.NextDouble() * 2 * Math.PI;
        for (int i = 0; i < len; i++)
        {
            int n = start + i;
            if (n >= mix[0].Length) break;
            double t = (double)i / _sr;
            double env = t < attack ? t / attack : Math.Max(0.35, Math.Exp(-(t - attack) / decayS));
            if (t > dur) env *= Math.Max(0, 1 - (t - dur) / release);
            double f = f0 * (1 + vibrato * 0.01 * Math.Sin(2 * Math.PI * 5.2 * t + vibPhase) * Math.Min(1, t / 0.3));
            phase += f / _sr;
            double v = amp * env * table.At(phase);
            for (int c = 0; c < mix.Length; c++) mix[c][n] += v * gains[c];
        }
    }

    private void Kick(double[][] mix, double t0)
    {
        int start = (int)(t0 * _sr), len = (int)(0.25 * _sr);
        double phase = 0;
        for (int i = 0; i < len && start + i < mix[0].Length; i++)
        {
            double t = (double)i / _sr;
            phase += (45 + 110 * Math.Exp(-t / 0.03)) / _sr;
            double v = 0.5 * Math.Exp(-t / 0.12) * Math.Sin(2 * Math.PI * phase);
            foreach (var ch in mix) ch[start + i] += v;
        }
    }

    private void Snare(double[][] mix, double t0)
    {
        int start = (int)(t0 * _sr), len = (int)(0.2 * _sr);
        var bp = new BandPassFilter();
        bp.Set(Math.Min(3000, 0.4 * _sr), 3500, _sr);
        for (int i = 0; i < len && start + i < mix[0].Length; i++)
        {
            double t = (double)i / _sr;
            double v = 0.35 * Math.Exp(-t / 0.06) * bp.Process(_rng.NextGaussian())
                       + 0.15 * Math.Exp(-t / 0.04) * Math.Sin(2 * Math.PI * 185 * t);
            foreach (var ch in mix) ch[start + i] += v;
        }
    }

    private void Hat(double[][] mix, double t0)
    {
        int start = (int)(t0 * _sr), len = (int)(0.06 * _sr);
        var bp = new BandPassFilter();
        bp.Set(Math.Min(9000, 0.42 * _sr), 6000, _sr);
        double amp = _rng.Uniform(0.05, 0.1);
        for (int i = 0; i < len && start + i < mix[0].Length; i++)
        {
            double t = (double)i / _sr;
            double v = amp * Math.Exp(-t / 0.015) * bp.Process(_rng.NextGaussian());
            for (int c = 0; c < mix.Length; c++) mix[c][start + i] += v * (c == 0 ? 0.8 : 1.0);
        }
    }
}
