using System.Diagnostics;
using System.Globalization;

namespace Beryl.Bench.Load;

/// <summary>The figures of one load run of N calls: a row of the table.</summary>
internal sealed class LoadResult
{
    private const double MiB = 1024 * 1024;

    public int Calls { get; init; }

    /// <summary>Whether the node ran as its own process, so that its CPU and memory exclude the generator's.</summary>
    public bool IsSeparateNode { get; init; }

    public int Connected { get; set; }

    /// <summary>Calls that the node ended or whose connection broke during the run.</summary>
    public int Dropped { get; set; }

    /// <summary>Sessions still open at the node 10 s after every caller said bye.</summary>
    public int SessionsLeft { get; set; }

    public long IdleRssBytes { get; set; }

    public long LoadedRssBytes { get; set; }

    public long AfterRssBytes { get; set; }

    public double Seconds { get; private set; }

    /// <summary>Node CPU as a share of one core.</summary>
    public double NodeCpuPercent { get; private set; }

    public double GeneratorCpuPercent { get; private set; }

    public long GeneratorLateTicks { get; private set; }

    /// <summary>CPU used by everything but the node and the generator (other work on the machine), % of one core.</summary>
    public double OthersCpuPercent { get; private set; }

    /// <summary>CPU time the hypervisor gave to other machines, % of one core: the node's CPU figures read high then.</summary>
    public double StealPercent { get; private set; }

    /// <summary>Packets the callers sent that did not come back from the node.</summary>
    public double EchoLossPercent { get; private set; }

    /// <summary>Packets the callers sent that the node did not receive.</summary>
    public double UplinkLossPercent { get; private set; }

    /// <summary>Loss of the node's streams as the callers' RTP statistics count it (sequence gaps).</summary>
    public double RtcpLossPercent { get; private set; }

    /// <summary>Share of the node's 10 ms playout frames concealed because the caller's packet was not there in time.</summary>
    public double ConcealedPercent { get; private set; }

    /// <summary>Packets the node sent against the 50 a second per call it owes: under 100 when its audio falls behind.</summary>
    public double NodeSendRatePercent { get; private set; }

    public double JitterMeanMs { get; private set; }

    public double JitterP95Ms { get; private set; }

    public int GapP99Ms { get; private set; }

    public int GapMaxMs { get; private set; }

    public long LateAudioFrames { get; private set; }

    public long AudioErrors { get; private set; }

    /// <summary>The busiest audio thread's load at the end of the window (smoothed share of its ticks).</summary>
    public double AudioLoad { get; private set; }

    /// <summary>The node's lowest Opus complexity at the start and at the end of the window.</summary>
    public (int Start, int End) EncoderComplexity { get; private set; }

    public List<string> Problems { get; } = [];

    public double CpuMsPerCallSecond => Connected == 0 ? 0 : NodeCpuPercent * 10 / Connected;

    /// <summary>Node CPU per second of call audio it actually produced: the cost of a call once the node falls behind.</summary>
    public double CpuMsPerServedCallSecond => NodeSendRatePercent <= 0 ? 0 : CpuMsPerCallSecond / (NodeSendRatePercent / 100);

    /// <summary>The complexity over the window: one figure, or where it started and ended.</summary>
    public string Complexity => EncoderComplexity.Start == EncoderComplexity.End
        ? EncoderComplexity.End.ToString(CultureInfo.InvariantCulture)
        : $"{EncoderComplexity.Start}→{EncoderComplexity.End}";

    public double KiBPerCall => Connected == 0 ? 0 : (LoadedRssBytes - IdleRssBytes) / 1024.0 / Connected;

    public double WorstLossPercent => Math.Max(EchoLossPercent, Math.Max(UplinkLossPercent, RtcpLossPercent));

    public bool Passes(double lossLimitPercent) =>
        Connected == Calls && Dropped == 0 && WorstLossPercent < lossLimitPercent;

    /// <summary>Also what the callers would hear: the node's playout had the packets in time.</summary>
    public bool PassesPlayout(double limitPercent) => Passes(limitPercent) && ConcealedPercent < limitPercent;

    public void Measure(WindowMark start, WindowMark end, ArrivalGaps gaps)
    {
        Seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        NodeCpuPercent = (end.NodeCpu - start.NodeCpu).TotalSeconds / Seconds * 100;
        GeneratorCpuPercent = (end.GeneratorCpu - start.GeneratorCpu).TotalSeconds / Seconds * 100;
        GeneratorLateTicks = end.GeneratorLateTicks - start.GeneratorLateTicks;
        double machineBusy = (end.Machine.Busy - start.Machine.Busy).TotalSeconds / Seconds * 100;
        // In process, the node's CPU is the generator's too.
        OthersCpuPercent = Math.Max(0, machineBusy - NodeCpuPercent - (IsSeparateNode ? GeneratorCpuPercent : 0));
        StealPercent = (end.Machine.Steal - start.Machine.Steal).TotalSeconds / Seconds * 100;
        long sent = end.Sent - start.Sent;
        EchoLossPercent = LossPercent(sent, end.Received - start.Received);
        UplinkLossPercent = LossPercent(end.SentAtNodeStats - start.SentAtNodeStats, end.Node.PacketsReceived - start.Node.PacketsReceived);
        long rtpLost = end.RtpLost - start.RtpLost;
        RtcpLossPercent = LossPercent(end.RtpReceived - start.RtpReceived + rtpLost, end.RtpReceived - start.RtpReceived);
        ConcealedPercent = Connected == 0 ? 0 : (end.Node.ConcealedMs - start.Node.ConcealedMs) / (Seconds * 1000 * Connected) * 100;
        NodeSendRatePercent = Connected == 0 ? 0 : (end.Node.PacketsSent - start.Node.PacketsSent) / (Seconds * 50 * Connected) * 100;
        var jitter = end.JitterMs.Order().ToArray();
        JitterMeanMs = jitter.DefaultIfEmpty().Average();
        JitterP95Ms = jitter.Length == 0 ? 0 : jitter[Math.Min(jitter.Length - 1, (int)Math.Ceiling(0.95 * jitter.Length) - 1)];
        GapP99Ms = gaps.Percentile(0.99);
        GapMaxMs = gaps.Max;
        LateAudioFrames = end.LateAudioFrames - start.LateAudioFrames;
        AudioLoad = end.AudioLoad;
        EncoderComplexity = (start.EncoderComplexity, end.EncoderComplexity);
        AudioErrors = end.Node.AudioErrors - start.Node.AudioErrors;
        if (AudioErrors > 0)
            Problems.Add($"{AudioErrors} audio frames threw at the node");
    }

    /// <summary>One line per run, as it finishes.</summary>
    public string Summary()
    {
        string figures = string.Create(CultureInfo.InvariantCulture,
            $"{Calls} calls: {Connected} connected, {Dropped} dropped, node {NodeCpuPercent:0}% CPU ({CpuMsPerCallSecond:0.00} ms per call per s), loss echo {EchoLossPercent:0.00}% uplink {UplinkLossPercent:0.00}% RTCP {RtcpLossPercent:0.00}%, concealed {ConcealedPercent:0.00}%, node sent {NodeSendRatePercent:0.0}% of its packets, jitter {JitterMeanMs:0.0}/{JitterP95Ms:0.0} ms, gaps p99 {GapP99Ms} max {GapMaxMs} ms, late ticks {LateAudioFrames}, audio load {AudioLoad:0.00}, Opus complexity {Complexity}, RSS {IdleRssBytes / MiB:0}→{LoadedRssBytes / MiB:0}→{AfterRssBytes / MiB:0} MiB, {SessionsLeft} sessions left; generator {GeneratorCpuPercent:0}% CPU, {GeneratorLateTicks} late ticks; other processes {OthersCpuPercent:0}% CPU, steal {StealPercent:0}%");
        return Problems.Count == 0 ? figures : $"{figures}\n  problems: {string.Join("\n  ", Problems.Take(10))}";
    }

    public static void WriteTable(TextWriter writer, IEnumerable<LoadResult> results)
    {
        writer.WriteLine("| calls | connected | node CPU % (of 1 core) | CPU ms/call/s (per call-s served) | echo loss % | node sent % | uplink loss % | RTCP loss % | concealed % | jitter mean / p95 ms | gap p99 / max ms | late ticks | audio load | Opus complexity | RSS idle → loaded → after MiB | KiB/call | generator / others' CPU %, steal % |");
        writer.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Calls} | {r.Connected}{(r.Dropped > 0 ? $" ({r.Dropped} dropped)" : "")} | {r.NodeCpuPercent:0} | {r.CpuMsPerCallSecond:0.0} ({r.CpuMsPerServedCallSecond:0.0}) | {r.EchoLossPercent:0.00} | {r.NodeSendRatePercent:0.0} | {r.UplinkLossPercent:0.00} | {r.RtcpLossPercent:0.00} | {r.ConcealedPercent:0.00} | {r.JitterMeanMs:0.0} / {r.JitterP95Ms:0.0} | {r.GapP99Ms} / {r.GapMaxMs} | {r.LateAudioFrames} | {r.AudioLoad:0.00} | {r.Complexity} | {r.IdleRssBytes / MiB:0} → {r.LoadedRssBytes / MiB:0} → {r.AfterRssBytes / MiB:0} | {r.KiBPerCall:0} | {r.GeneratorCpuPercent:0} / {r.OthersCpuPercent:0}, {r.StealPercent:0} |"));
        }
    }

    private static double LossPercent(double expected, double arrived) => expected <= 0 ? 0 : Math.Max(0, (expected - arrived) / expected * 100);
}
