using Beryl.Aec;
using Beryl.Media.Codecs;
using Beryl.Media.Jitter;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Node;

/// <summary>What a <see cref="MediaNode"/> does with its callers' audio.</summary>
public enum NodeMode
{
    /// <summary>Every caller hears itself back: decoded, through the jitter buffer, echo-cancelled and re-encoded.</summary>
    Echo,

    /// <summary>Callers are paired two by two; each hears the other, with echo cancellation on each leg.</summary>
    Bridge,

    /// <summary>Each caller hears <see cref="MediaNodeOptions.PlayFile"/>; what comes back is echo-cancelled and recorded.</summary>
    Play,
}

/// <summary>Settings of a <see cref="MediaNode"/>; every value but <see cref="PlayFile"/> has a default that suits a voice node.</summary>
public sealed record MediaNodeOptions
{
    /// <summary>What the node does with the audio.</summary>
    public NodeMode Mode { get; init; } = NodeMode.Echo;

    /// <summary>
    /// Whether each leg runs the echo canceller, with the audio the node sends to that caller as its render reference,
    /// so a caller without echo cancellation does not send back what it hears.
    /// </summary>
    public bool EchoCancellation { get; init; } = true;

    /// <summary>
    /// The canceller's mode and rate; the rate is also the node's internal rate (mono). Full at 16 kHz by default, the
    /// canceller's best-tuned rate and a wideband call.
    /// </summary>
    public EchoCancellerOptions EchoCanceller { get; init; } = new() { SampleRate = 16000 };

    /// <summary>
    /// The encoder's settings. By default 20 ms packets, and Opus encodes at the node's internal rate with complexity 2:
    /// a wideband call costs a third of a full-band one, and the encoder was half a leg's time at complexity 5 (the
    /// <c>load</c> benchmark's leg profile).
    /// </summary>
    public AudioCodecOptions Codec { get; init; } = new() { OpusSampleRate = 16000, Opus = new() { Complexity = 2 } };

    /// <summary>
    /// Whether an audio thread short of time lowers its Opus encoders' complexity below <see cref="Codec"/>'s, one level at a
    /// time down to 0, and raises it again when the load falls (see the node's <c>encoderComplexity</c> in
    /// <c>/healthz</c>). On by default: calls played late cost more than the quality the lower levels give up.
    /// </summary>
    public bool AdaptEncoderComplexity { get; init; } = true;

    /// <summary>The jitter buffer's settings, or null for its defaults.</summary>
    public JitterBufferOptions? JitterBuffer { get; init; }

    /// <summary>The peer connections' settings (codecs offered, candidates gathered, timeouts).</summary>
    public RTCConfiguration PeerConfiguration { get; init; } = new();

    /// <summary>The WAV file played to each caller in <see cref="NodeMode.Play"/>.</summary>
    public string? PlayFile { get; init; }

    /// <summary>Whether <see cref="PlayFile"/> starts again when it ends, rather than falling silent.</summary>
    public bool LoopPlayFile { get; init; }

    /// <summary>
    /// A folder that receives, per call, the audio received, the audio after echo cancellation and the render reference
    /// as WAV, and a <c>call.json</c> of statistics; null records nothing.
    /// </summary>
    public string? RecordDirectory { get; init; }

    /// <summary>A call that has not connected this long after it was created is closed.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Threads that run the calls' audio, 10 ms at a time; by default one per processor.</summary>
    public int AudioThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>The most calls open at once, connected or not; further ones are refused.</summary>
    public int MaxSessions { get; init; } = 500;

    internal void Validate()
    {
        if (Mode == NodeMode.Play && string.IsNullOrEmpty(PlayFile))
            throw new ArgumentException("play mode needs a file to play", nameof(PlayFile));
        if (AudioThreads < 1)
            throw new ArgumentOutOfRangeException(nameof(AudioThreads), AudioThreads, "at least one audio thread is needed");
        if (MaxSessions < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxSessions), MaxSessions, "at least one session is needed");
        if (ConnectTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "the connect timeout must be positive");
    }
}
