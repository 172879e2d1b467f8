using Beryl.Aec;
using Beryl.Media.Codecs;
using Beryl.Media.Jitter;

namespace Beryl.Media.Engine;

/// <summary>What paces the engine's capture and render threads.</summary>
public enum AudioPacing
{
    /// <summary>The engine waits for each 10 ms frame on the system clock: for files, generators and simulated rooms.</summary>
    Clock,

    /// <summary>The source's <c>Read</c> and the sink's <c>Write</c> block until the device is ready: for sound cards.</summary>
    Device,
}

/// <summary>Settings of an <see cref="AudioEngine"/>; every value has a default that suits a voice call.</summary>
public sealed record AudioEngineOptions
{
    /// <summary>Whether the echo canceller runs on the capture path (on by default).</summary>
    public bool EchoCancellation { get; init; } = true;

    /// <summary>
    /// The echo canceller's settings: mode and processing rate. The default is Full at 16 kHz: a wideband call, the
    /// canceller's best-tuned rate; 48 kHz keeps the full band but its double-talk fidelity is lower today. A narrowband
    /// codec never gets more than 16 kHz. The channel counts are taken from the microphone and the speaker.
    /// </summary>
    public EchoCancellerOptions EchoCanceller { get; init; } = new() { SampleRate = 16000 };

    /// <summary>The encoder's settings: packet duration, bitrate, FEC, DTX.</summary>
    public AudioCodecOptions Codec { get; init; } = new();

    /// <summary>The jitter buffer's settings, or null for its defaults.</summary>
    public JitterBufferOptions? JitterBuffer { get; init; }

    /// <summary>What paces the capture and render threads.</summary>
    public AudioPacing Pacing { get; init; } = AudioPacing.Clock;
}
