namespace Beryl.Media.Audio;

/// <summary>An endless source of digital silence, for a muted or absent talker.</summary>
public sealed class SilenceSource : IAudioSource
{
    /// <summary>Creates a silent source in <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentException">The format is not valid.</exception>
    public SilenceSource(AudioFormat format)
    {
        format.Validate();
        Format = format;
    }

    /// <inheritdoc />
    public AudioFormat Format { get; }

    /// <summary>Fills <paramref name="interleaved"/> with zeros; never ends.</summary>
    public int Read(Span<float> interleaved)
    {
        interleaved.Clear();
        return interleaved.Length / Format.Channels;
    }
}
