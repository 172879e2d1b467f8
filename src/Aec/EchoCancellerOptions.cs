namespace Beryl.Aec;

/// <summary>Which trade-off between CPU and reach the canceller makes.</summary>
public enum AecMode
{
    /// <summary>Low-end CPUs: 100 ms echo tail, delays 0 to 500 ms, no look-ahead.</summary>
    Lite,

    /// <summary>Long 250 ms echo tail, delays from -40 ms (capture leads render) to 1000 ms.</summary>
    Full,
}

/// <summary>
/// Configuration of an <see cref="EchoCanceller"/>. Every property has a default; leave the optional
/// ones <c>null</c> to get the value of the chosen <see cref="Mode"/>.
/// </summary>
public sealed record EchoCancellerOptions
{
    /// <summary>Sample rates the canceller accepts.</summary>
    public static IReadOnlyList<int> SupportedSampleRates { get; } = [8000, 16000, 32000, 48000];

    /// <summary>Lite or Full.</summary>
    public AecMode Mode { get; init; } = AecMode.Full;

    /// <summary>Sample rate of both render and capture audio, in Hz (8, 16, 32 or 48 kHz).</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>Channels of the render (loudspeaker) signal: 1 or 2.</summary>
    public int RenderChannels { get; init; } = 1;

    /// <summary>Channels of the capture (microphone) signal: 1 or 2.</summary>
    public int CaptureChannels { get; init; } = 1;

    /// <summary>Echo tail the linear filter models after the bulk delay, in ms. Default: Full 250, Lite 100.</summary>
    public int? TailLengthMs { get; init; }

    /// <summary>Largest render-to-capture delay searched, in ms. Default: Full 1000, Lite 500.</summary>
    public int? MaxDelayMs { get; init; }

    /// <summary>
    /// How far the capture may lead the render (negative delay), in ms. The canceller delays the capture
    /// path by this much, so it adds to <see cref="EchoCanceller.LatencySamples"/>. Default: Full 40, Lite 0.
    /// </summary>
    public int? LookAheadMs { get; init; }

    /// <summary>
    /// A delay the application already knows (for example from its audio device latencies), in ms.
    /// The estimator starts from it instead of searching from scratch; it still tracks changes.
    /// </summary>
    public int? InitialDelayMs { get; init; }

    /// <summary>Run the residual echo suppressor after the linear filter. Default true.</summary>
    public bool EnableSuppressor { get; init; } = true;

    /// <summary>
    /// The echo comes back through lossy codecs, as on a server's leg: the render reached the loudspeaker through the
    /// caller's decoder and the echo came back through its encoder. A codec keeps the echo's spectrum but, where it
    /// codes noise-like sound, not its waveform: there the linear filter's estimate adds as much power as it removes,
    /// and what is left looks like near-end talk. With this set, error power that the estimate added is taken as echo,
    /// as loud as the estimate, unless the near end clearly talks. Default false: an acoustic path keeps the waveform,
    /// and a talker quieter than the echo keeps more of its level.
    /// </summary>
    public bool EchoThroughCodec { get; init; }

    /// <summary>Fill suppressed spectrum with noise matching the ambient noise. Default true.</summary>
    public bool EnableComfortNoise { get; init; } = true;

    /// <summary>Use SIMD kernels where the CPU has them. False forces the scalar reference path.</summary>
    public bool UseSimd { get; init; } = true;

    /// <summary>Render audio the lock-free hand-over holds before the oldest is dropped, in ms. Default 500.</summary>
    public int RenderQueueMs { get; init; } = 500;

    /// <summary>Seed of the comfort-noise generator, so that runs are reproducible.</summary>
    public int Seed { get; init; } = 0x5EED;

    /// <summary>Samples per channel in one 10 ms frame.</summary>
    public int FrameSize => SampleRate / 100;

    internal int EffectiveTailMs => TailLengthMs ?? (Mode == AecMode.Full ? 250 : 100);

    internal int EffectiveMaxDelayMs => MaxDelayMs ?? (Mode == AecMode.Full ? 1000 : 500);

    internal int EffectiveLookAheadMs => LookAheadMs ?? (Mode == AecMode.Full ? 40 : 0);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (!SupportedSampleRates.Contains(SampleRate))
            throw new ArgumentException($"Sample rate {SampleRate} Hz is not supported; use one of {string.Join(", ", SupportedSampleRates)} Hz.", nameof(SampleRate));
        if (RenderChannels is < 1 or > 2)
            throw new ArgumentException($"Render channels must be 1 or 2, not {RenderChannels}.", nameof(RenderChannels));
        if (CaptureChannels is < 1 or > 2)
            throw new ArgumentException($"Capture channels must be 1 or 2, not {CaptureChannels}.", nameof(CaptureChannels));
        if (!Enum.IsDefined(Mode))
            throw new ArgumentException($"Unknown mode {Mode}.", nameof(Mode));
        if (EffectiveTailMs is < 20 or > 1000)
            throw new ArgumentException($"Tail length must be 20 to 1000 ms, not {EffectiveTailMs} ms.", nameof(TailLengthMs));
        if (EffectiveMaxDelayMs is < 0 or > 1000)
            throw new ArgumentException($"Maximum delay must be 0 to 1000 ms, not {EffectiveMaxDelayMs} ms.", nameof(MaxDelayMs));
        if (EffectiveLookAheadMs is < 0 or > 100)
            throw new ArgumentException($"Look-ahead must be 0 to 100 ms, not {EffectiveLookAheadMs} ms.", nameof(LookAheadMs));
        if (InitialDelayMs is { } d && (d < -EffectiveLookAheadMs || d > EffectiveMaxDelayMs))
            throw new ArgumentException($"Initial delay {d} ms is outside the searched range -{EffectiveLookAheadMs}..{EffectiveMaxDelayMs} ms.", nameof(InitialDelayMs));
        if (RenderQueueMs is < 50 or > 5000)
            throw new ArgumentException($"Render queue must hold 50 to 5000 ms, not {RenderQueueMs} ms.", nameof(RenderQueueMs));
    }
}
