namespace Beryl.Media.Codecs;

/// <summary>
/// ITU-T G.711 PCMU (µ-law, RTP payload type 0) and PCMA (A-law, payload type 8), bit-exact with the
/// ITU-T G.191 reference implementation: encoding works on the one's complement of negative samples
/// (so -1 encodes like 0), decoding returns the middle of each quantisation interval on the 16-bit scale.
/// </summary>
public static class G711
{
    // Decoding is a lookup: 256 entries per law, computed once from the G.191 expansion formulas.
    private static readonly short[] MuLawToLinear = BuildTable(ExpandMuLaw);
    private static readonly short[] ALawToLinear = BuildTable(ExpandALaw);

    /// <summary>µ-law bias on the 14-bit magnitude (0x84 on the 16-bit scale).</summary>
    private const int MuLawBias = 33;

    /// <summary>Largest biased 14-bit µ-law magnitude.</summary>
    private const int MuLawClip = 0x1FFF;

    /// <summary>Encodes one 16-bit sample to µ-law.</summary>
    public static byte EncodeMuLaw(short sample)
    {
        int magnitude = (sample < 0 ? ~sample : sample) >> 2;
        magnitude = Math.Min(magnitude + MuLawBias, MuLawClip);
        // Segment 1..8: position of the highest set bit above the 6 low bits.
        int segment = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(magnitude >> 6)) + 1;
        int highNibble = 8 - segment;
        int lowNibble = 0xF - ((magnitude >> segment) & 0xF);
        int code = (highNibble << 4) | lowNibble;
        return (byte)(sample >= 0 ? code | 0x80 : code);
    }

    /// <summary>Encodes one 16-bit sample to A-law.</summary>
    public static byte EncodeALaw(short sample)
    {
        int magnitude = (sample < 0 ? ~sample : sample) >> 4;
        if (magnitude > 15)
        {
            int exponent = 1;
            while (magnitude > 16 + 15)
            {
                magnitude >>= 1;
                exponent++;
            }

            magnitude = magnitude - 16 + (exponent << 4);
        }

        if (sample >= 0)
            magnitude |= 0x80;
        return (byte)(magnitude ^ 0x55);
    }

    /// <summary>Decodes one µ-law code to a 16-bit sample.</summary>
    public static short DecodeMuLaw(byte code) => MuLawToLinear[code];

    /// <summary>Decodes one A-law code to a 16-bit sample.</summary>
    public static short DecodeALaw(byte code) => ALawToLinear[code];

    /// <summary>Encodes <paramref name="samples"/> to µ-law codes in <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="samples"/>.</exception>
    public static void EncodeMuLaw(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        CheckLength(samples.Length, destination.Length);
        for (int i = 0; i < samples.Length; i++)
            destination[i] = EncodeMuLaw(samples[i]);
    }

    /// <summary>Encodes <paramref name="samples"/> to A-law codes in <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="samples"/>.</exception>
    public static void EncodeALaw(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        CheckLength(samples.Length, destination.Length);
        for (int i = 0; i < samples.Length; i++)
            destination[i] = EncodeALaw(samples[i]);
    }

    /// <summary>Decodes µ-law <paramref name="codes"/> to 16-bit samples in <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="codes"/>.</exception>
    public static void DecodeMuLaw(ReadOnlySpan<byte> codes, Span<short> destination) => Decode(MuLawToLinear, codes, destination);

    /// <summary>Decodes A-law <paramref name="codes"/> to 16-bit samples in <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="codes"/>.</exception>
    public static void DecodeALaw(ReadOnlySpan<byte> codes, Span<short> destination) => Decode(ALawToLinear, codes, destination);

    /// <summary>Encodes float samples (full scale ±1, clamped) to µ-law codes.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="samples"/>.</exception>
    public static void EncodeMuLaw(ReadOnlySpan<float> samples, Span<byte> destination)
    {
        CheckLength(samples.Length, destination.Length);
        for (int i = 0; i < samples.Length; i++)
            destination[i] = EncodeMuLaw(ToInt16(samples[i]));
    }

    /// <summary>Encodes float samples (full scale ±1, clamped) to A-law codes.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="samples"/>.</exception>
    public static void EncodeALaw(ReadOnlySpan<float> samples, Span<byte> destination)
    {
        CheckLength(samples.Length, destination.Length);
        for (int i = 0; i < samples.Length; i++)
            destination[i] = EncodeALaw(ToInt16(samples[i]));
    }

    /// <summary>Decodes µ-law codes to float samples (16-bit value / 32768).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="codes"/>.</exception>
    public static void DecodeMuLaw(ReadOnlySpan<byte> codes, Span<float> destination) => Decode(MuLawToLinear, codes, destination);

    /// <summary>Decodes A-law codes to float samples (16-bit value / 32768).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="codes"/>.</exception>
    public static void DecodeALaw(ReadOnlySpan<byte> codes, Span<float> destination) => Decode(ALawToLinear, codes, destination);

    private static void Decode(short[] table, ReadOnlySpan<byte> codes, Span<short> destination)
    {
        CheckLength(codes.Length, destination.Length);
        for (int i = 0; i < codes.Length; i++)
            destination[i] = table[codes[i]];
    }

    private static void Decode(short[] table, ReadOnlySpan<byte> codes, Span<float> destination)
    {
        CheckLength(codes.Length, destination.Length);
        for (int i = 0; i < codes.Length; i++)
            destination[i] = table[codes[i]] * (1f / 32768f);
    }

    private static short ToInt16(float sample)
    {
        float scaled = MathF.Round(sample * 32768f);
        return (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
    }

    private static void CheckLength(int sourceLength, int destinationLength)
    {
        if (destinationLength < sourceLength)
            throw new ArgumentException($"destination holds {destinationLength} samples, {sourceLength} needed", "destination");
    }

    private static short[] BuildTable(Func<int, int> expand)
    {
        var table = new short[256];
        for (int code = 0; code < 256; code++)
            table[code] = (short)expand(code);
        return table;
    }

    private static int ExpandMuLaw(int code)
    {
        int inverted = ~code;
        int exponent = (inverted >> 4) & 0x7;
        int mantissa = inverted & 0xF;
        int step = 4 << (exponent + 1);
        int magnitude = (0x80 << exponent) + step * mantissa + step / 2 - 4 * MuLawBias;
        return code < 0x80 ? -magnitude : magnitude;
    }

    private static int ExpandALaw(int code)
    {
        int value = (code ^ 0x55) & 0x7F;
        int exponent = value >> 4;
        int mantissa = value & 0xF;
        if (exponent > 0)
            mantissa += 16;
        mantissa = (mantissa << 4) + 0x8;
        if (exponent > 1)
            mantissa <<= exponent - 1;
        return code > 0x7F ? mantissa : -mantissa;
    }
}
