namespace Beryl.Cli;

/// <summary>Finds folders relative to the Beryl repository (the folder holding Beryl.sln).</summary>
internal static class RepoPaths
{
    /// <summary>The repository root above the current folder or above the program, or null.</summary>
    public static string? FindRepoRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Beryl.sln")))
                    return dir.FullName;
            }
        }

        return null;
    }

    /// <summary><c>../shared/corpus</c> next to the repository.</summary>
    public static string DefaultCorpus() =>
        Path.GetFullPath(Path.Combine(FindRepoRoot() ?? Directory.GetCurrentDirectory(), "..", "shared", "corpus"));
}
