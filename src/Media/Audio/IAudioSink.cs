namespace Beryl.Media.Audio;

/// <summary>
/// Something the pipeline writes audio to: a loudspeaker, a file, a simulated room.
/// Implementations used on an audio thread must not lock, allocate or throw in <see cref="Write"/>.
/// </summary>
public interface IAudioSink
{
    /// <summary>The rate and channel count <see cref="Write"/> expects.</summary>
    AudioFormat Format { get; }

    /// <summary>Plays or stores <paramref name="interleaved"/>, a whole number of frames in <see cref="Format"/>.</summary>
    void Write(ReadOnlySpan<float> interleaved);
}
