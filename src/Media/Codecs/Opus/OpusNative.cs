using System.Runtime.InteropServices;

namespace Beryl.Media.Codecs.Opus;

/// <summary>
/// P/Invoke declarations for the reference libopus (1.1 or later). <see cref="Library"/> is a logical name that
/// <see cref="OpusLibrary"/> maps to the file of the platform; call <see cref="OpusLibrary.EnsureAvailable"/> before
/// any of these so that the mapping is in place.
/// </summary>
internal static partial class OpusNative
{
    /// <summary>The name the imports use; the resolver of <see cref="OpusLibrary"/> answers for it.</summary>
    public const string Library = "opus";

    public const int Ok = 0;
    public const int ApplicationVoip = 2048;
    public const int ApplicationAudio = 2049;

    public const int SetBitrateRequest = 4002;
    public const int GetBitrateRequest = 4003;
    public const int SetComplexityRequest = 4010;
    public const int GetComplexityRequest = 4011;
    public const int SetInbandFecRequest = 4012;
    public const int SetPacketLossPercentRequest = 4014;
    public const int SetDtxRequest = 4016;
    public const int GetLookaheadRequest = 4027;

    [LibraryImport(Library)]
    public static partial OpusEncoderHandle opus_encoder_create(int sampleRate, int channels, int application, out int error);

    [LibraryImport(Library)]
    public static partial void opus_encoder_destroy(nint encoder);

    // opus_encoder_ctl is variadic in C. These fixed-signature imports pass the request and its one argument
    // where a variadic call would put them: on x64 (System V and Windows) and 32-bit x86 the variadic int and
    // pointer arguments travel exactly like named ones, and System V's %al (vector registers used) is only an
    // upper bound the callee uses to spill registers, so a stale value is harmless. Apple arm64 passes variadic
    // arguments on the stack instead, so there these calls would read garbage: Beryl does not target it.

    /// <summary>An <c>OPUS_SET_*</c> request with its <c>opus_int32</c> value.</summary>
    [LibraryImport(Library)]
    public static partial int opus_encoder_ctl(OpusEncoderHandle encoder, int request, int value);

    /// <summary>An <c>OPUS_GET_*</c> request with its <c>opus_int32*</c> result.</summary>
    [LibraryImport(Library)]
    public static partial int opus_encoder_ctl(OpusEncoderHandle encoder, int request, out int value);

    [LibraryImport(Library)]
    public static unsafe partial int opus_encode_float(OpusEncoderHandle encoder, float* pcm, int frameSize, byte* data, int maxDataBytes);

    [LibraryImport(Library)]
    public static partial OpusDecoderHandle opus_decoder_create(int sampleRate, int channels, out int error);

    [LibraryImport(Library)]
    public static partial void opus_decoder_destroy(nint decoder);

    /// <summary>Decodes a packet, or conceals (<paramref name="data"/> null) or recovers (<paramref name="decodeFec"/> 1) a lost one.</summary>
    [LibraryImport(Library)]
    public static unsafe partial int opus_decode_float(OpusDecoderHandle decoder, byte* data, int length, float* pcm, int frameSize, int decodeFec);

    [LibraryImport(Library)]
    public static unsafe partial int opus_packet_get_nb_samples(byte* packet, int length, int sampleRate);

    [LibraryImport(Library)]
    public static partial nint opus_strerror(int error);

    [LibraryImport(Library)]
    public static partial nint opus_get_version_string();

    /// <summary>libopus's text for an error code.</summary>
    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(opus_strerror(error)) ?? $"error {error}";
}
