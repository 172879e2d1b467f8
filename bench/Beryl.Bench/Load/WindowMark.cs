using System.Diagnostics;

namespace Beryl.Bench.Load;

/// <summary>Every counter of the node and the callers at one instant; the figures of a run are differences of two marks.</summary>
internal sealed record WindowMark
{
    public long Timestamp { get; init; }

    public TimeSpan NodeCpu { get; init; }

    public TimeSpan GeneratorCpu { get; init; }

    public long GeneratorLateTicks { get; init; }

    public long Sent { get; init; }

    public long Received { get; init; }

    /// <summary>Packets the callers sent, read around the node's <c>/stats</c> so the two describe the same moment.</summary>
    public double SentAtNodeStats { get; init; }

    /// <summary>The callers' RFC 3550 cumulative loss of the node's stream.</summary>
    public long RtpLost { get; init; }

    public long RtpReceived { get; init; }

    /// <summary>The callers' RFC 3550 interarrival jitter of the node's stream, ms.</summary>
    public double[] JitterMs { get; init; } = [];

    public NodeTotals Node { get; init; }

    public long LateAudioFrames { get; init; }

    /// <summary>The busiest audio thread's smoothed share of its ticks, from <c>/healthz</c>.</summary>
    public double AudioLoad { get; init; }

    /// <summary>The lowest Opus complexity the node's audio threads run at, from <c>/healthz</c>.</summary>
    public int EncoderComplexity { get; init; }

    public MachineTimes Machine { get; init; }

    public static async Task<WindowMark> TakeAsync(NodeUnderTest node, LoadCaller[] callers, CallerPacer pacer)
    {
        long sentBefore = callers.Sum(c => c.Sent);
        var totals = await node.TotalsAsync();
        long sentAfter = callers.Sum(c => c.Sent);
        var health = await node.HealthAsync();
        var rtp = callers.Select(c => c.Rtp).ToArray();
        using var self = Process.GetCurrentProcess();
        return new WindowMark
        {
            Timestamp = Stopwatch.GetTimestamp(),
            NodeCpu = node.CpuTime(),
            GeneratorCpu = self.TotalProcessorTime,
            GeneratorLateTicks = pacer.LateTicks,
            Sent = callers.Sum(c => c.Sent),
            Received = callers.Sum(c => c.Received),
            SentAtNodeStats = (sentBefore + sentAfter) / 2.0,
            RtpLost = rtp.Sum(r => r.PacketsLost),
            RtpReceived = rtp.Sum(r => r.PacketsReceived),
            JitterMs = [.. rtp.Select(r => r.JitterMs)],
            Node = totals,
            LateAudioFrames = health.LateAudioFrames,
            AudioLoad = health.AudioLoad,
            EncoderComplexity = health.EncoderComplexity,
            Machine = MachineTimes.Read(),
        };
    }
}

/// <summary>The machine's CPU time from <c>/proc/stat</c>: what every process used, and what the hypervisor took.</summary>
internal readonly record struct MachineTimes(TimeSpan Busy, TimeSpan Steal)
{
    public static MachineTimes Read()
    {
        // cpu  user nice system idle iowait irq softirq steal …, in USER_HZ (100 a second)
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        long busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6];
        return new MachineTimes(TimeSpan.FromSeconds(busy / 100.0), TimeSpan.FromSeconds(fields[7] / 100.0));
    }
}
