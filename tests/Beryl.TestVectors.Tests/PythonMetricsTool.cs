using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Beryl.TestVectors.Tests;

/// <summary>Runs the reference tool shared/tools/aecmetrics.py when python3 with numpy/scipy is available.</summary>
internal static class PythonMetricsTool
{
    private const string Python = "/usr/bin/python3";
    private static bool? _available;

    public static string? ScriptPath()
    {
        var s = TestPaths.Shared();
        if (s == null) return null;
        var p = Path.Combine(s, "tools", "aecmetrics.py");
        return File.Exists(p) ? p : null;
    }

    public static bool Available()
    {
        if (_available is bool b) return b;
        _available = ScriptPath() != null && File.Exists(Python) && Run(Python, ["-c", "import numpy, scipy"], out _) == 0;
        return _available.Value;
    }

    public static JsonObject Compute(string scenarioDir, string outWav)
    {
        string json = Path.Combine(Path.GetDirectoryName(outWav)!, Path.GetFileNameWithoutExtension(outWav) + ".py.json");
        int rc = Run(Python, [ScriptPath()!, scenarioDir, outWav, "--json", json], out string err);
        if (rc != 0) throw new InvalidOperationException($"aecmetrics.py failed ({rc}): {err}");
        return (JsonObject)JsonNode.Parse(File.ReadAllText(json))!;
    }

    private static int Run(string exe, string[] args, out string stderr)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var outTask = p.StandardOutput.ReadToEndAsync();
            var errTask = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            stderr = errTask.Result;
            _ = outTask.Result;
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            stderr = e.Message;
            return -1;
        }
    }
}
