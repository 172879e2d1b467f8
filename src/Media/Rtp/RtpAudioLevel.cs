namespace Beryl.Media.Rtp;

/// <summary>The client-to-mixer audio level element (RFC 6464): a voice activity flag and the level in -dBov.</summary>
public static class RtpAudioLevel
{
    /// <summary>The extmap URI that names this element in SDP.</summary>
    public const string Uri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /// <summary>The quietest level the element can carry: -127 dBov (digital silence is sent as 127).</summary>
    public const int Silence = 127;

    /// <summary>Reads an element's data; never throws.</summary>
    /// <param name="value">The element data (one byte; longer data is read from its first byte).</param>
    /// <param name="voiceActivity">The V flag.</param>
    /// <param name="level">0 (loudest, 0 dBov) to 127 (-127 dBov).</param>
    /// <returns>false for empty data.</returns>
    public static bool TryRead(ReadOnlySpan<byte> value, out bool voiceActivity, out int level)
    {
        voiceActivity = false;
        level = 0;
        if (value.IsEmpty)
            return false;
        voiceActivity = (value[0] & 0x80) != 0;
        level = value[0] & 0x7F;
        return true;
    }

    /// <summary>The element's byte for <paramref name="voiceActivity"/> and <paramref name="level"/> (-dBov, clamped to 0..127).</summary>
    public static byte Encode(bool voiceActivity, int level) =>
        (byte)((voiceActivity ? 0x80 : 0) | Math.Clamp(level, 0, Silence));

    /// <summary>The level in -dBov of 16-bit samples (RMS against a full-scale square wave, as RFC 6464 section 4 defines it).</summary>
    public static int FromSamples(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
            return Silence;
        double sum = 0;
        foreach (short s in samples)
            sum += (double)s * s;
        double rms = Math.Sqrt(sum / samples.Length) / 32768.0;
        if (rms <= 0)
            return Silence;
        return Math.Clamp((int)Math.Round(-20 * Math.Log10(rms)), 0, Silence);
    }
}
