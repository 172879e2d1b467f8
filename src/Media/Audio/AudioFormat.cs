namespace Beryl.Media.Audio;

/// <summary>The shape of a PCM stream flowing through the media pipeline: float samples in -1..1, interleaved.</summary>
/// <param name="SampleRate">Frames per second, a multiple of 100 so that a 10 ms frame is a whole number of samples.</param>
/// <param name="Channels">Interleaved channels per frame, 1 or 2.</param>
public readonly record struct AudioFormat(int SampleRate, int Channels)
{
    /// <summary>Samples per channel in one 10 ms frame.</summary>
    public int SamplesPer10Ms => SampleRate / 100;

    /// <summary>Interleaved samples (all channels) in one 10 ms frame.</summary>
    public int InterleavedSamplesPer10Ms => SampleRate / 100 * Channels;

    /// <summary>Whether the pipeline can carry this format: 8 to 192 kHz in steps of 100 Hz, mono or stereo.</summary>
    public bool IsValid => SampleRate is >= 8000 and <= 192_000 && SampleRate % 100 == 0 && Channels is 1 or 2;

    /// <summary>Throws <see cref="ArgumentException"/> when <see cref="IsValid"/> is false.</summary>
    public void Validate()
    {
        if (!IsValid)
            throw new ArgumentException($"Unsupported audio format {this}: the rate must be 8000..192000 Hz in steps of 100 and the channels 1 or 2.");
    }

    /// <inheritdoc />
    public override string ToString() => $"{SampleRate} Hz, {(Channels == 1 ? "mono" : Channels == 2 ? "stereo" : $"{Channels} channels")}";
}
