namespace Beryl.TestVectors;

/// <summary>
/// Everything that defines a rendered echo scenario; together with the seed (and the corpus, if one is
/// used) it determines the output bit for bit.
/// </summary>
/// <param name="Name">Scenario name (used as directory name).</param>
/// <param name="SampleRate">Sample rate in Hz (8000-192000).</param>
/// <param name="CaptureChannels">Mic channels (1 or 2).</param>
/// <param name="RenderChannels">Far-end / loudspeaker channels (1 or 2).</param>
/// <param name="DurationS">Length in seconds (at least 4).</param>
/// <param name="DelayMs">Bulk delay of the echo re the far reference in ms; negative: the echo leads.</param>
/// <param name="DriftPpm">Capture clock re render clock in ppm: capture = render * (1 + ppm * 1e-6).</param>
/// <param name="Nonlinearity">Loudspeaker nonlinearity.</param>
/// <param name="SerDb">Signal-to-echo ratio: near-end active level minus echo active level in the mic, dB.</param>
/// <param name="SnrDb">Near-end active level minus noise RMS (whole file), dB; null for no noise.</param>
/// <param name="EchoPathChangeS">Time (mic time) of an echo path change, or null.</param>
/// <param name="Rt60S">Reverberation time of the synthesised room, seconds.</param>
/// <param name="FarSource">Speech or music far end.</param>
/// <param name="Seed">Random seed.</param>
public sealed record ScenarioSpec(
    string Name,
    int SampleRate = 16000,
    int CaptureChannels = 1,
    int RenderChannels = 1,
    double DurationS = 14.0,
    double DelayMs = 20.0,
    double DriftPpm = 0.0,
    Nonlinearity Nonlinearity = Nonlinearity.None,
    double SerDb = 0.0,
    double? SnrDb = null,
    double? EchoPathChangeS = null,
    double Rt60S = 0.35,
    FarSource FarSource = FarSource.Speech,
    int Seed = 1)
{
    /// <summary>Kind of background noise when <see cref="SnrDb"/> is set.</summary>
    public NoiseKind NoiseKind { get; init; } = NoiseKind.Stationary;

    /// <summary>Room and device layout of the synthesised echo path.</summary>
    public RoomPreset Room { get; init; } = RoomPreset.OfficeSmallLaptop;

    /// <summary>
    /// Nonlinearity level in dB above the far-end active RMS level (clip level or tanh limit);
    /// null: 9 dB for hard clipping, 12 dB for soft tanh.
    /// </summary>
    public double? NonlinearityLevelDb { get; init; }

    /// <summary>Planned talk states.</summary>
    public TalkSchedule Schedule { get; init; } = TalkSchedule.Standard;

    /// <summary>Far-end active level in dBFS.</summary>
    public double FarLevelDbfs { get; init; } = -26.0;

    /// <summary>Mean of the echo and near-end active levels in dBFS (echo = this - SER/2, near = this + SER/2).</summary>
    public double MicLevelDbfs { get; init; } = -30.0;

    /// <summary>
    /// With a corpus: file name (relative to the corpus rir/ folder) of a measured RIR to use for a mono echo
    /// path instead of a synthesised one; ignored without a corpus.
    /// </summary>
    public string? CorpusRir { get; init; }

    /// <summary>Free-text description stored in meta.json.</summary>
    public string? Description { get; init; }

    /// <summary>Scenario families (e.g. "a", "d") stored in meta.json.</summary>
    public IReadOnlyList<string> Families { get; init; } = [];

    /// <summary>Effective nonlinearity level in dB re the far-end active level.</summary>
    public double EffectiveNonlinearityLevelDb => NonlinearityLevelDb ?? (Nonlinearity == Nonlinearity.SoftTanh ? 12.0 : 9.0);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Require(!string.IsNullOrWhiteSpace(Name) && Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && Name != "." && Name != "..",
            $"ScenarioSpec.Name '{Name}' must be a valid file name.");
        Require(SampleRate is >= 8000 and <= 192000, $"ScenarioSpec.SampleRate {SampleRate} must be within 8000-192000 Hz.");
        Require(CaptureChannels is 1 or 2, $"ScenarioSpec.CaptureChannels {CaptureChannels} must be 1 or 2.");
        Require(RenderChannels is 1 or 2, $"ScenarioSpec.RenderChannels {RenderChannels} must be 1 or 2.");
        Require(DurationS is >= 4 and <= 600, $"ScenarioSpec.DurationS {DurationS} must be within 4-600 s.");
        Require(double.IsFinite(DelayMs) && Math.Abs(DelayMs) <= 2000, $"ScenarioSpec.DelayMs {DelayMs} must be within +-2000 ms.");
        Require(double.IsFinite(DriftPpm) && Math.Abs(DriftPpm) <= 10000, $"ScenarioSpec.DriftPpm {DriftPpm} must be within +-10000 ppm.");
        Require(double.IsFinite(SerDb) && Math.Abs(SerDb) <= 40, $"ScenarioSpec.SerDb {SerDb} must be within +-40 dB.");
        Require(SnrDb is null || (double.IsFinite(SnrDb.Value) && SnrDb is >= -20 and <= 80), $"ScenarioSpec.SnrDb {SnrDb} must be within -20..80 dB.");
        Require(EchoPathChangeS is null || (EchoPathChangeS > 0 && EchoPathChangeS < DurationS),
            $"ScenarioSpec.EchoPathChangeS {EchoPathChangeS} must lie inside the scenario.");
        Require(Rt60S is >= 0.05 and <= 3.0, $"ScenarioSpec.Rt60S {Rt60S} must be within 0.05-3 s.");
        Require(NonlinearityLevelDb is null || double.IsFinite(NonlinearityLevelDb.Value), "ScenarioSpec.NonlinearityLevelDb must be finite.");
        Require(FarLevelDbfs is > -80 and < 0 && MicLevelDbfs is > -80 and < 0, "ScenarioSpec levels must be within -80..0 dBFS.");
        Require(Schedule.Items.Count > 0, "ScenarioSpec.Schedule is empty.");
    }
}
