namespace Beryl.TestVectors.Tests;

/// <summary>Locates the repository root and the optional shared/ folder next to it.</summary>
internal static class TestPaths
{
    public static string? RepoRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "Beryl.sln"))) d = d.Parent;
        return d?.FullName;
    }

    /// <summary>../shared relative to the repository root, or null when absent.</summary>
    public static string? Shared()
    {
        var root = RepoRoot();
        if (root == null) return null;
        var p = Path.GetFullPath(Path.Combine(root, "..", "shared"));
        return Directory.Exists(p) ? p : null;
    }

    public static string? DevScenario(string name)
    {
        var s = Shared();
        if (s == null) return null;
        var p = Path.Combine(s, "test-vectors-dev", name);
        return File.Exists(Path.Combine(p, "meta.json")) ? p : null;
    }

    public static string? Corpus()
    {
        var s = Shared();
        if (s == null) return null;
        var p = Path.Combine(s, "corpus");
        return Directory.Exists(p) ? p : null;
    }

    public static string NewTempDir()
    {
        var p = Path.Combine(Path.GetTempPath(), "beryl-tv-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(p);
        return p;
    }
}
