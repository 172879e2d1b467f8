namespace Beryl.Media.Audio;

/// <summary>How a <see cref="RoomSimulator"/> turns the far end's audio into echo at the microphone.</summary>
public sealed class RoomSimulatorOptions
{
    /// <summary>The rate of the loudspeaker and the microphone, both mono (8000..192000 Hz in steps of 100).</summary>
    public int SampleRate { get; init; } = 48_000;

    /// <summary>
    /// The bulk delay from the speaker's write to the microphone's read (playout buffering and flight time),
    /// 0..2 s. For a live render thread it must exceed about 20 ms, or the capture side gets ahead of what the
    /// render side could have written and counts underruns.
    /// </summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The room's impulse response at <see cref="SampleRate"/>, at most 2 s long; null uses
    /// <see cref="RoomSimulator.SyntheticImpulseResponse"/> with <see cref="Rt60Seconds"/> and <see cref="Seed"/>.
    /// See <see cref="RoomSimulator.LoadImpulseResponse"/> for one from a WAV file.
    /// </summary>
    public float[]? ImpulseResponse { get; init; }

    /// <summary>Reverberation time of the synthetic response, in seconds (0 &lt; RT60 ≤ 2).</summary>
    public double Rt60Seconds { get; init; } = 0.3;

    /// <summary>Gain applied to the impulse response, in dB (0 keeps it as given; −10 is a typical handset coupling).</summary>
    public double EchoGainDb { get; init; }

    /// <summary>
    /// How much faster the loudspeaker's clock runs than the microphone's, in parts per million (−1000..1000).
    /// Positive values make the echo arrive earlier as time goes on: the delay shrinks by ppm µs every second.
    /// </summary>
    public double DriftPpm { get; init; }

    /// <summary>
    /// Loudspeaker overdrive: each speaker sample x becomes tanh(k·x)/k, a soft clip that adds odd harmonics.
    /// 0 (the default) leaves the signal linear; 1 clips gently, 3 hard.
    /// </summary>
    public double DistortionDrive { get; init; }

    /// <summary>The near-end talker, mono at <see cref="SampleRate"/>, added to the microphone; null for none.</summary>
    public IAudioSource? NearEnd { get; init; }

    /// <summary>The RMS level of white background noise added to the microphone, in dBFS; null for none.</summary>
    public double? NoiseLevelDb { get; init; }

    /// <summary>Seeds the synthetic impulse response and the noise, so a run can be repeated exactly.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// How far ahead of the echo being played the render side may write before its writes are dropped and
    /// counted as overruns (at least; the ring is rounded up).
    /// </summary>
    public TimeSpan MaxRenderLead { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Receives the echo component of every microphone frame (mono, same rate); null to skip.</summary>
    public IAudioSink? EchoTruth { get; init; }

    /// <summary>Receives the near-end component of every microphone frame; null to skip.</summary>
    public IAudioSink? NearEndTruth { get; init; }

    /// <summary>Receives the noise component of every microphone frame; null to skip.</summary>
    public IAudioSink? NoiseTruth { get; init; }
}
