namespace Beryl.TestVectors.Synthesis;

/// <summary>Broad articulation class of a synthetic phone.</summary>
internal enum PhoneKind { Vowel, Fricative, Plosive, Nasal, Approximant, Aspirate }

/// <summary>
/// A synthetic phone: formant targets (adult male, Hz) and source amplitudes. Diphthongs move from
/// the F targets to the F*End targets. Plosives have a closure, a burst and (unvoiced) aspiration.
/// </summary>
internal sealed record Phone(string Name, PhoneKind Kind, double F1, double F2, double F3, bool Voiced,
    double FricHz = 0, double FricBw = 0, double FricAmp = 0, double F1End = 0, double F2End = 0, double F3End = 0)
{
    public bool IsDiphthong => F1End > 0;
}

/// <summary>Phone inventory (rough American English formant values, male).</summary>
internal static class Phones
{
    public static readonly Phone[] Vowels =
    [
        new("iy", PhoneKind.Vowel, 270, 2290, 3010, true),
        new("ih", PhoneKind.Vowel, 390, 1990, 2550, true),
        new("eh", PhoneKind.Vowel, 530, 1840, 2480, true),
        new("ae", PhoneKind.Vowel, 660, 1720, 2410, true),
        new("aa", PhoneKind.Vowel, 730, 1090, 2440, true),
        new("ao", PhoneKind.Vowel, 570, 840, 2410, true),
        new("uh", PhoneKind.Vowel, 440, 1020, 2240, true),
        new("uw", PhoneKind.Vowel, 300, 870, 2240, true),
        new("ah", PhoneKind.Vowel, 640, 1190, 2390, true),
        new("er", PhoneKind.Vowel, 490, 1350, 1690, true),
        new("ey", PhoneKind.Vowel, 530, 1840, 2480, true, F1End: 300, F2End: 2200, F3End: 2900),
        new("ay", PhoneKind.Vowel, 730, 1090, 2440, true, F1End: 330, F2End: 2100, F3End: 2800),
        new("ow", PhoneKind.Vowel, 570, 900, 2410, true, F1End: 320, F2End: 880, F3End: 2250),
        new("aw", PhoneKind.Vowel, 730, 1150, 2440, true, F1End: 350, F2End: 900, F3End: 2300),
    ];

    public static readonly Phone[] Consonants =
    [
        new("s", PhoneKind.Fricative, 300, 1700, 2600, false, 5600, 2200, 0.55),
        new("z", PhoneKind.Fricative, 300, 1700, 2600, true, 5400, 2200, 0.35),
        new("sh", PhoneKind.Fricative, 300, 1900, 2500, false, 3000, 1400, 0.6),
        new("f", PhoneKind.Fricative, 300, 900, 2200, false, 4800, 5000, 0.16),
        new("v", PhoneKind.Fricative, 300, 900, 2200, true, 4200, 4000, 0.12),
        new("th", PhoneKind.Fricative, 300, 1400, 2600, false, 5200, 5000, 0.1),
        new("h", PhoneKind.Aspirate, 500, 1500, 2500, false),
        new("p", PhoneKind.Plosive, 250, 900, 2200, false, 1200, 2000, 0.5),
        new("t", PhoneKind.Plosive, 250, 1700, 2600, false, 4000, 3000, 0.6),
        new("k", PhoneKind.Plosive, 250, 2000, 2500, false, 2200, 1500, 0.6),
        new("b", PhoneKind.Plosive, 250, 900, 2200, true, 1200, 2000, 0.35),
        new("d", PhoneKind.Plosive, 250, 1700, 2600, true, 3800, 3000, 0.4),
        new("g", PhoneKind.Plosive, 250, 2000, 2500, true, 2200, 1500, 0.4),
        new("m", PhoneKind.Nasal, 250, 1000, 2200, true),
        new("n", PhoneKind.Nasal, 250, 1600, 2500, true),
        new("l", PhoneKind.Approximant, 360, 1300, 2700, true),
        new("r", PhoneKind.Approximant, 380, 1250, 1600, true),
        new("w", PhoneKind.Approximant, 300, 700, 2200, true),
        new("y", PhoneKind.Approximant, 280, 2200, 2900, true),
    ];

    /// <summary>Relative frequency of the consonants (roughly as in running speech).</summary>
    public static readonly double[] ConsonantWeights =
        [7, 3, 2, 2.5, 2, 2.5, 2, 2.5, 7, 3, 2, 4, 1.5, 3.5, 7, 4, 4, 2.5, 1.5];
}
