namespace Beryl.Media.Audio;

/// <summary>How the samples of a WAV file's <c>data</c> chunk are encoded.</summary>
public enum WavSampleFormat
{
    /// <summary>8-bit unsigned integer PCM (offset binary: 128 is silence).</summary>
    Pcm8,

    /// <summary>16-bit signed little-endian integer PCM.</summary>
    Pcm16,

    /// <summary>24-bit signed little-endian integer PCM, packed in 3 bytes.</summary>
    Pcm24,

    /// <summary>32-bit signed little-endian integer PCM.</summary>
    Pcm32,

    /// <summary>32-bit little-endian IEEE 754 floating point (format tag 3).</summary>
    Float32,
}

/// <summary>The layout of the audio in a WAV file: rate, channel count and sample encoding.</summary>
/// <remarks>
/// The record itself does not validate its values; <see cref="WavWriter"/> rejects formats outside
/// 1..<see cref="MaxSampleRate"/> Hz or 1..<see cref="MaxChannels"/> channels, and <see cref="WavReader"/>
/// never produces such a format.
/// </remarks>
/// <param name="SampleRate">Frames per second, 1..<see cref="MaxSampleRate"/>.</param>
/// <param name="Channels">Interleaved channels per frame, 1..<see cref="MaxChannels"/>.</param>
/// <param name="SampleFormat">How each sample is encoded.</param>
public sealed record WavFormat(int SampleRate, int Channels, WavSampleFormat SampleFormat)
{
    /// <summary>The largest channel count the reader and writer accept.</summary>
    public const int MaxChannels = 8;

    /// <summary>The largest sample rate (Hz) the reader and writer accept.</summary>
    public const int MaxSampleRate = 768_000;

    /// <summary>Bytes in one sample of one channel (1, 2, 3 or 4; 0 for an undefined <see cref="SampleFormat"/>).</summary>
    public int BytesPerSample => SampleFormat switch
    {
        WavSampleFormat.Pcm8 => 1,
        WavSampleFormat.Pcm16 => 2,
        WavSampleFormat.Pcm24 => 3,
        WavSampleFormat.Pcm32 => 4,
        WavSampleFormat.Float32 => 4,
        _ => 0,
    };

    /// <summary>Bits in one sample of one channel (<see cref="BytesPerSample"/> × 8).</summary>
    public int BitsPerSample => BytesPerSample * 8;

    /// <summary>Bytes in one frame: one sample for every channel (<see cref="BytesPerSample"/> × <see cref="Channels"/>).</summary>
    public int BlockAlign => BytesPerSample * Channels;

    /// <summary>Bytes of audio per second (<see cref="BlockAlign"/> × <see cref="SampleRate"/>).</summary>
    public long BytesPerSecond => (long)BlockAlign * SampleRate;

    /// <summary>Describes why this format cannot be written or read, or returns null when it is valid.</summary>
    internal string? GetProblem()
    {
        if (SampleRate < 1 || SampleRate > MaxSampleRate)
            return $"unsupported sample rate {SampleRate} Hz (supported: 1..{MaxSampleRate})";
        if (Channels < 1 || Channels > MaxChannels)
            return $"unsupported channel count {Channels} (supported: 1..{MaxChannels})";
        if (BytesPerSample == 0)
            return $"undefined sample format {(int)SampleFormat}";
        return null;
    }
}
