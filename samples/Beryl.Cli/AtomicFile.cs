using Beryl.Media.Processing;

namespace Beryl.Cli;

/// <summary>Writes small files so that readers never see a half-written one.</summary>
internal static class AtomicFile
{
    /// <summary>Fails early (before any long work) when <paramref name="path"/> cannot be a file in an existing folder.</summary>
    public static void CheckWritable(string path, string what)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new CliException($"Cannot write the {what} '{path}': it is a folder.");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
            throw new CliException($"Cannot write the {what} '{path}': the folder '{folder}' does not exist.");
    }

    /// <summary>Writes <paramref name="bytes"/> to a temporary file next to <paramref name="path"/>, then moves it over <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string full = Path.GetFullPath(path);
        string temp = OfflineEchoCanceller.TempPathFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                stream.Write(bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new CliException($"Cannot write '{path}': {ex.Message}");
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort; the original error is what the user needs to see.
        }
    }
}
