using System.Reflection;
using System.Runtime.InteropServices;

namespace Beryl.Media.Codecs.Opus;

/// <summary>
/// Whether the native libopus can be used. The library is looked for once, on first use, under the file names
/// of the platform (Linux <c>libopus.so.0</c>, macOS <c>libopus.0.dylib</c>, Windows <c>opus.dll</c>, ...);
/// nothing here throws.
/// </summary>
public static class OpusLibrary
{
    private static readonly Lazy<LoadResult> Loaded = new(Load);

    /// <summary>Whether libopus was found and answers.</summary>
    public static bool IsAvailable => Loaded.Value.Error is null;

    /// <summary>Why libopus cannot be used (with what to install), or null when it can.</summary>
    public static string? LoadError => Loaded.Value.Error;

    /// <summary>libopus's version string, e.g. <c>libopus 1.3.1</c>, or null when it is not available.</summary>
    public static string? Version => Loaded.Value.Version;

    /// <summary>The file names tried on this platform, most specific first.</summary>
    internal static IReadOnlyList<string> CandidateNames =>
        OperatingSystem.IsWindows() ? ["opus.dll", "libopus-0.dll", "libopus.dll"]
        : OperatingSystem.IsMacOS() ? ["libopus.0.dylib", "libopus.dylib", "/opt/homebrew/lib/libopus.0.dylib", "/usr/local/lib/libopus.0.dylib"]
        : ["libopus.so.0", "libopus.so"];

    /// <summary>Throws when libopus is not available; encoders and decoders call this before touching it.</summary>
    /// <exception cref="DllNotFoundException">libopus is missing; the message says what to install.</exception>
    internal static void EnsureAvailable()
    {
        if (LoadError is { } error)
            throw new DllNotFoundException(error);
    }

    /// <summary>
    /// Loads the first of <paramref name="names"/> that the platform loader finds, or explains which were tried
    /// and what to install.
    /// </summary>
    internal static bool TryLoad(IEnumerable<string> names, out nint handle, out string? error)
    {
        var tried = new List<string>();
        foreach (string name in names)
        {
            if (NativeLibrary.TryLoad(name, typeof(OpusLibrary).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out handle))
            {
                error = null;
                return true;
            }

            tried.Add(name);
        }

        handle = 0;
        error = $"libopus was not found (tried {string.Join(", ", tried)}): {InstallHint()}";
        return false;
    }

    private static string InstallHint() =>
        OperatingSystem.IsWindows() ? "put opus.dll next to the application or on PATH"
        : OperatingSystem.IsMacOS() ? "install it with `brew install opus`"
        : "install libopus0 (`apt-get install libopus0`, or your distribution's libopus package)";

    private static LoadResult Load()
    {
        try
        {
            if (!TryLoad(CandidateNames, out nint handle, out string? error))
                return new LoadResult(error, null);

            // One resolver per assembly: this is Beryl.Media's, and it only answers for libopus.
            NativeLibrary.SetDllImportResolver(typeof(OpusLibrary).Assembly, (name, _, _) => name == OpusNative.Library ? handle : 0);
            string? version = Marshal.PtrToStringUTF8(OpusNative.opus_get_version_string());
            return new LoadResult(null, version);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or InvalidOperationException)
        {
            return new LoadResult($"libopus could not be used ({ex.Message}): {InstallHint()}", null);
        }
    }

    private sealed record LoadResult(string? Error, string? Version);
}
