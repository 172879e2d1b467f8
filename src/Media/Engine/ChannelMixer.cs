namespace Beryl.Media.Engine;

/// <summary>Converts interleaved frames between mono and stereo: a mono signal is copied to both sides, a stereo one averaged.</summary>
internal static class ChannelMixer
{
    /// <summary>Converts <paramref name="frames"/> frames of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void Convert(ReadOnlySpan<float> source, int sourceChannels, Span<float> destination, int destinationChannels, int frames)
    {
        if (sourceChannels == destinationChannels)
        {
            source[..(frames * sourceChannels)].CopyTo(destination);
        }
        else if (sourceChannels == 1)
        {
            for (int i = 0; i < frames; i++)
                destination[2 * i] = destination[2 * i + 1] = source[i];
        }
        else
        {
            for (int i = 0; i < frames; i++)
                destination[i] = 0.5f * (source[2 * i] + source[2 * i + 1]);
        }
    }
}
