namespace Beryl.Media.Audio;

/// <summary>
/// Something the pipeline reads audio from: a microphone, a file, a generator, a simulated room.
/// Implementations used on an audio thread must not lock, allocate or throw in <see cref="Read"/>.
/// </summary>
public interface IAudioSource
{
    /// <summary>The rate and channel count of the samples <see cref="Read"/> produces.</summary>
    AudioFormat Format { get; }

    /// <summary>
    /// Fills <paramref name="interleaved"/> (a whole number of frames) and returns how many frames
    /// (samples per channel) were written. Fewer than asked means the source has ended; the caller treats
    /// the rest as silence. A live source always fills the buffer, waiting for the device if it must.
    /// </summary>
    int Read(Span<float> interleaved);
}
