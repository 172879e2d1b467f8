using System.Runtime.InteropServices;

namespace Beryl.Bench.Speex;

/// <summary>
/// P/Invoke declarations for Debian's <c>libspeexdsp.so.1</c> (package libspeexdsp1). Only the echo
/// canceller and the preprocessor are used. Request codes are those of speex_echo.h / speex_preprocess.h.
/// </summary>
internal static unsafe partial class SpeexNative
{
    public const string Library = "libspeexdsp.so.1";

    /// <summary>speex_echo.h: SPEEX_ECHO_SET_SAMPLING_RATE.</summary>
    public const int SPEEX_ECHO_SET_SAMPLING_RATE = 24;

    /// <summary>speex_preprocess.h: SPEEX_PREPROCESS_SET_DENOISE (int, 1 on / 0 off).</summary>
    public const int SPEEX_PREPROCESS_SET_DENOISE = 0;

    /// <summary>speex_preprocess.h: SPEEX_PREPROCESS_SET_AGC (int, 1 on / 0 off).</summary>
    public const int SPEEX_PREPROCESS_SET_AGC = 2;

    /// <summary>speex_preprocess.h: SPEEX_PREPROCESS_SET_DEREVERB (int, 1 on / 0 off).</summary>
    public const int SPEEX_PREPROCESS_SET_DEREVERB = 8;

    /// <summary>speex_preprocess.h: SPEEX_PREPROCESS_SET_NOISE_SUPPRESS (int, maximum noise attenuation in dB, negative).</summary>
    public const int SPEEX_PREPROCESS_SET_NOISE_SUPPRESS = 18;

    /// <summary>speex_preprocess.h: SPEEX_PREPROCESS_SET_ECHO_STATE (SpeexEchoState*, NULL disables residual echo suppression).</summary>
    public const int SPEEX_PREPROCESS_SET_ECHO_STATE = 24;

    private static readonly Lazy<string?> LoadProblem = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, typeof(SpeexNative).Assembly, null, out _))
            return $"{Library} not found: install libspeexdsp1 (apt-get install libspeexdsp1) to get the speex columns.";
        return null;
    });

    /// <summary>True when the library can be loaded.</summary>
    public static bool IsAvailable => LoadProblem.Value is null;

    /// <summary>Why the library cannot be used, or null.</summary>
    public static string? UnavailableReason => LoadProblem.Value;

    [LibraryImport(Library)]
    public static partial IntPtr speex_echo_state_init_mc(int frame_size, int filter_length, int nb_mic, int nb_speakers);

    [LibraryImport(Library)]
    public static partial void speex_echo_state_destroy(IntPtr st);

    [LibraryImport(Library)]
    public static partial void speex_echo_cancellation(IntPtr st, short* rec, short* play, short* output);

    [LibraryImport(Library)]
    public static partial int speex_echo_ctl(IntPtr st, int request, ref int value);

    [LibraryImport(Library)]
    public static partial IntPtr speex_preprocess_state_init(int frame_size, int sampling_rate);

    [LibraryImport(Library)]
    public static partial void speex_preprocess_state_destroy(IntPtr st);

    [LibraryImport(Library)]
    public static partial int speex_preprocess_ctl(IntPtr st, int request, ref int value);

    [LibraryImport(Library)]
    public static partial int speex_preprocess_ctl(IntPtr st, int request, IntPtr value);

    [LibraryImport(Library)]
    public static partial int speex_preprocess_run(IntPtr st, short* x);
}
