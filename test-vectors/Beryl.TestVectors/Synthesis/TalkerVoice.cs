using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Synthesis;

/// <summary>Parameters of one synthetic talker.</summary>
/// <param name="Id">Short name stored in meta.json.</param>
/// <param name="F0Hz">Mean fundamental frequency (90-250 Hz typical).</param>
/// <param name="FormantScale">Vocal tract scale re an adult male (1.0 male, ~1.17 female).</param>
/// <param name="Rate">Speaking rate factor (1 = about 4.5 syllables per second).</param>
/// <param name="Breathiness">Aspiration noise mixed into voicing, 0-1.</param>
/// <param name="OpenQuotient">Glottal open quotient (0.5 pressed - 0.8 breathy).</param>
public sealed record TalkerVoice(string Id, double F0Hz, double FormantScale, double Rate, double Breathiness, double OpenQuotient)
{
    /// <summary>Low male voice.</summary>
    public static TalkerVoice MaleLow { get; } = new("synth_m1", 98, 0.97, 0.95, 0.05, 0.55);

    /// <summary>Mid male voice.</summary>
    public static TalkerVoice MaleMid { get; } = new("synth_m2", 118, 1.0, 1.05, 0.08, 0.6);

    /// <summary>Higher male voice, fast.</summary>
    public static TalkerVoice MaleHigh { get; } = new("synth_m3", 138, 1.04, 1.12, 0.1, 0.6);

    /// <summary>Female voice.</summary>
    public static TalkerVoice Female { get; } = new("synth_f1", 198, 1.16, 1.0, 0.15, 0.68);

    /// <summary>Higher female voice, breathy.</summary>
    public static TalkerVoice FemaleHigh { get; } = new("synth_f2", 228, 1.2, 1.08, 0.22, 0.72);

    /// <summary>The preset voices.</summary>
    public static IReadOnlyList<TalkerVoice> Presets { get; } = [MaleLow, MaleMid, MaleHigh, Female, FemaleHigh];

    /// <summary>A random voice (male or female range) for background talkers.</summary>
    public static TalkerVoice Random(DeterministicRandom rng, string id)
    {
        bool female = rng.Chance(0.5);
        double f0 = female ? rng.Uniform(175, 245) : rng.Uniform(92, 145);
        double scale = female ? rng.Uniform(1.12, 1.22) : rng.Uniform(0.95, 1.05);
        return new TalkerVoice(id, f0, scale, rng.Uniform(0.9, 1.15), rng.Uniform(0.03, 0.25), rng.Uniform(0.55, 0.75));
    }
}
