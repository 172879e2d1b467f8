using Beryl.TestVectors;

namespace Beryl.Aec.Tests.Quality;

/// <summary>
/// The canceller over the rendered dev scenarios of ../shared/test-vectors-dev (real speech and rooms),
/// when that folder is there; skipped elsewhere. Guards the figures the benchmark reports.
/// </summary>
[Category("Quality")]
public class SharedVectorTests
{
    private static string? DevVectors()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Beryl.sln"))) continue;
            string path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "test-vectors-dev"));
            return Directory.Exists(path) ? path : null;
        }
        return null;
    }

    [Test]
    public void DevScenariosMeetTheQualityFloor()
    {
        string? root = DevVectors();
        if (root is null) Assert.Ignore("../shared/test-vectors-dev is not present");
        var reports = Directory.GetDirectories(root!).Where(d => File.Exists(Path.Combine(d, "meta.json"))).OrderBy(d => d)
            .Select(d => (Name: Path.GetFileName(d), Report: EndToEndQualityTests.Run(Scenario.Load(d)))).ToList();
        Assert.That(reports, Has.Count.GreaterThanOrEqualTo(10));
        var steady = reports.Select(r => r.Report.ErleSteadyStateDb ?? 0).ToList();
        var doubleTalk = reports.Where(r => r.Report.DtSiSdrImprovementDb is not null).Select(r => r.Report.DtSiSdrImprovementDb!.Value).ToList();
        TestContext.Out.WriteLine($"mean steady-state ERLE {steady.Average():F1} dB (min {steady.Min():F1}), mean DT SI-SDR improvement {doubleTalk.Average():F1} dB");
        Assert.That(steady.Average(), Is.GreaterThan(21.0));
        Assert.That(steady.Min(), Is.GreaterThan(8.0), string.Join(", ", reports.Select(r => $"{r.Name} {r.Report.ErleSteadyStateDb:F1}")));
        Assert.That(doubleTalk.Average(), Is.GreaterThan(8.0));
        Assert.That(reports.All(r => r.Report.NsLevelChangeDb is null || Math.Abs(r.Report.NsLevelChangeDb.Value) < 1.0), Is.True);
    }
}
