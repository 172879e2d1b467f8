using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Beryl.Media.Audio;

/// <summary>Converts between little-endian WAV sample bytes and floats. Scalar, span-based, allocation-free.</summary>
internal static class WavSampleCodec
{
    /// <summary>The largest float below 1 (1 − 2⁻²⁴).</summary>
    internal const float MaxBelowOne = 0.99999994f;

    /// <summary>Decodes <paramref name="destination"/>.Length samples from <paramref name="source"/>.</summary>
    /// <remarks>
    /// Integer PCM maps to [-1, 1). Float samples are returned as stored (they may exceed ±1), except that
    /// NaN becomes 0 and ±infinity becomes ±1 so hostile files cannot poison downstream processing.
    /// </remarks>
    public static void Decode(WavSampleFormat format, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (format)
        {
            case WavSampleFormat.Pcm8:
                source = source[..destination.Length];
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (source[i] - 128) * (1f / 128f);
                break;

            case WavSampleFormat.Pcm16:
                if (BitConverter.IsLittleEndian)
                {
                    ReadOnlySpan<short> s16 = MemoryMarshal.Cast<byte, short>(source)[..destination.Length];
                    for (int i = 0; i < s16.Length; i++)
                        destination[i] = s16[i] * (1f / 32768f);
                }
                else
                {
                    for (int i = 0; i < destination.Length; i++)
                        destination[i] = BinaryPrimitives.ReadInt16LittleEndian(source[(2 * i)..]) * (1f / 32768f);
                }
                break;

            case WavSampleFormat.Pcm24:
                source = source[..(3 * destination.Length)];
                for (int i = 0, j = 0; i < destination.Length; i++, j += 3)
                {
                    int v = source[j] | (source[j + 1] << 8) | ((sbyte)source[j + 2] << 16);
                    destination[i] = v * (1f / 8388608f);
                }
                break;

            case WavSampleFormat.Pcm32:
                for (int i = 0; i < destination.Length; i++)
                {
                    // (float)int rounds to 24 significant bits, so values near int.MaxValue would become 1.0.
                    float v = BinaryPrimitives.ReadInt32LittleEndian(source[(4 * i)..]) * (1f / 2147483648f);
                    destination[i] = MathF.Min(v, MaxBelowOne);
                }
                break;

            case WavSampleFormat.Float32:
                for (int i = 0; i < destination.Length; i++)
                {
                    float v = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                    destination[i] = float.IsFinite(v) ? v : float.IsNaN(v) ? 0f : MathF.Sign(v);
                }
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "undefined sample format");
        }
    }

    /// <summary>
    /// Encodes <paramref name="source"/> into <paramref name="destination"/> (which must hold
    /// source.Length × bytes-per-sample bytes). Integer PCM is clamped to [-1, 1] and rounded to the
    /// nearest step (NaN becomes 0); Float32 is written unchanged.
    /// </summary>
    public static void Encode(WavSampleFormat format, ReadOnlySpan<float> source, Span<byte> destination)
    {
        switch (format)
        {
            case WavSampleFormat.Pcm8:
                destination = destination[..source.Length];
                for (int i = 0; i < source.Length; i++)
                    destination[i] = (byte)(Quantize(source[i], 128f, 127) + 128);
                break;

            case WavSampleFormat.Pcm16:
                for (int i = 0; i < source.Length; i++)
                    BinaryPrimitives.WriteInt16LittleEndian(destination[(2 * i)..], (short)Quantize(source[i], 32768f, 32767));
                break;

            case WavSampleFormat.Pcm24:
                destination = destination[..(3 * source.Length)];
                for (int i = 0, j = 0; i < source.Length; i++, j += 3)
                {
                    int v = Quantize(source[i], 8388608f, 8388607);
                    destination[j] = (byte)v;
                    destination[j + 1] = (byte)(v >> 8);
                    destination[j + 2] = (byte)(v >> 16);
                }
                break;

            case WavSampleFormat.Pcm32:
                for (int i = 0; i < source.Length; i++)
                {
                    float x = Sanitize(source[i]);
                    double scaled = Math.Round(x * 2147483648.0);
                    int v = scaled >= int.MaxValue ? int.MaxValue : (int)scaled;
                    BinaryPrimitives.WriteInt32LittleEndian(destination[(4 * i)..], v);
                }
                break;

            case WavSampleFormat.Float32:
                for (int i = 0; i < source.Length; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], source[i]);
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "undefined sample format");
        }
    }

    /// <summary>NaN → 0, everything else clamped to [-1, 1].</summary>
    private static float Sanitize(float x) => float.IsNaN(x) ? 0f : Math.Clamp(x, -1f, 1f);

    /// <summary>Scales a sanitized sample by <paramref name="scale"/> (a power of two, so exact), rounds, clamps the top.</summary>
    private static int Quantize(float x, float scale, int max)
    {
        int v = (int)MathF.Round(Sanitize(x) * scale);
        return v > max ? max : v;
    }
}
