using System.Runtime.InteropServices;

namespace Beryl.Media.Devices;

/// <summary>
/// Finds the PortAudio v19 shared library on first use. Nothing else in Beryl needs it: without it only the
/// sound-card classes of this namespace fail, with <see cref="LoadError"/> as their message.
/// </summary>
public static class PortAudioLibrary
{
    private static readonly (PortAudioApi? Api, string? Error) Loaded = Load(CandidateNames());

    /// <summary>Whether PortAudio was found and has every function Beryl uses.</summary>
    public static bool IsAvailable => Loaded.Api is not null;

    /// <summary>Why PortAudio is not available (naming the package to install), or null when it is.</summary>
    public static string? LoadError => Loaded.Error;

    /// <summary>The bound library; throws <see cref="PortAudioException"/> with <see cref="LoadError"/> when it is missing.</summary>
    internal static PortAudioApi Api => Loaded.Api ?? throw new PortAudioException(Loaded.Error!);

    /// <summary>The file names PortAudio goes by on this operating system, most specific first.</summary>
    internal static string[] CandidateNames() =>
        OperatingSystem.IsWindows() ? ["portaudio.dll", "libportaudio-2.dll", "libportaudio.dll"]
        : OperatingSystem.IsMacOS() ? ["libportaudio.2.dylib", "libportaudio.dylib"]
        : ["libportaudio.so.2", "libportaudio.so"];

    /// <summary>Loads the first of <paramref name="names"/> that exists and binds its functions; never throws.</summary>
    internal static (PortAudioApi? Api, string? Error) Load(IReadOnlyList<string> names)
    {
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle))
                continue;
            var exports = new nint[PortAudioApi.Exports.Length];
            string[] missing = PortAudioApi.Exports
                .Where((export, i) => !NativeLibrary.TryGetExport(handle, export, out exports[i]))
                .ToArray();
            if (missing.Length == 0)
                return (new PortAudioApi(exports), null);
            NativeLibrary.Free(handle);
            return (null, $"{name} is not PortAudio v19 (it lacks {string.Join(", ", missing)}); {InstallHint}.");
        }
        return (null, $"PortAudio was not found (tried {string.Join(", ", names)}); {InstallHint}.");
    }

    private static string InstallHint =>
        OperatingSystem.IsWindows() ? "put portaudio.dll next to the application or on the PATH"
        : OperatingSystem.IsMacOS() ? "install it with 'brew install portaudio'"
        : "install the libportaudio2 package (Debian/Ubuntu: apt-get install libportaudio2)";
}
