using System.Runtime.InteropServices;
using System.Globalization;
using Beryl.Aec;
using Beryl.Media.Node;
using Beryl.Media.Rtp;
using Beryl.Media.Sdp;

namespace Beryl.Bench.Load;

/// <summary>
/// Where one echo call's 10 ms tick at the node goes, stage by stage, on one thread: a node leg (a pipeline without its
/// own canceller, and a canceller whose reference is what the node sends) with the node's default options, fed the
/// callers' packets. Transport (SRTP, sockets, RTCP, signaling) is not in it: the load run's CPU per
/// call minus this total is that share. Timed in the thread's CPU time, so a shared or stolen CPU does not inflate it.
/// </summary>
internal static partial class NodeLegProfile
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private const int WarmupFrames = 500;
    private const int Frames = 3000;

    /// <summary>The node's default leg, then the same leg with one cost cut at a time: what each would save.</summary>
    public static void Run(byte[][] callerPackets)
    {
        var node = new MediaNodeOptions();
        (string Name, MediaNodeOptions Options)[] variants =
        [
            ("node default: Full AEC 16 kHz, Opus complexity 2", node),
            ("Lite AEC", node with { EchoCanceller = node.EchoCanceller with { Mode = AecMode.Lite } }),
            ("Opus complexity 5", node with { Codec = node.Codec with { Opus = node.Codec.Opus with { Complexity = 5 } } }),
            ("Opus complexity 0", node with { Codec = node.Codec with { Opus = node.Codec.Opus with { Complexity = 0 } } }),
            ("no AEC", node with { EchoCancellation = false }),
        ];
        Console.WriteLine($"one echo leg's 10 ms tick at the node, µs by stage (thread CPU time, {Frames} frames after {WarmupFrames} of warm-up):");
        Console.WriteLine("| leg | jitter buffer + Opus decode | AEC capture | AEC render | Opus encode | total | ms CPU per call per s | calls per core at most |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        // A first, untimed pass: the first variant would otherwise pay for the JIT's tiering of the shared code.
        Measure(node, callerPackets);
        foreach (var (name, options) in variants)
        {
            var stages = Measure(options, callerPackets);
            double total = stages.Sum();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {stages[0]:0.0} | {stages[1]:0.0} | {stages[2]:0.0} | {stages[3]:0.0} | {total:0.0} | {total / 10:0.0} | {10_000 / total:0} |"));
        }
    }

    /// <summary>µs per 10 ms of each stage: receive (jitter buffer, decoder), canceller capture and render, send (encoder).</summary>
    private static double[] Measure(MediaNodeOptions options, byte[][] callerPackets)
    {
        if (!NodeLeg.TryCreate(SdpCodec.Opus, options, (_, _) => true, out var created, out string? error))
            throw new InvalidOperationException(error);
        using var leg = created;
        var pipeline = leg.Pipeline;
        var canceller = leg.Canceller;
        var received = new float[leg.Format.InterleavedSamplesPer10Ms];
        var cleaned = new float[received.Length];
        var nanoseconds = new long[4];

        for (int frame = 0; frame < WarmupFrames + Frames; frame++)
        {
            if (frame == WarmupFrames)
                Array.Clear(nanoseconds);
            if (frame % 2 == 0)
            {
                int packet = frame / 2;
                leg.Jitter.Insert(new RtpHeader((byte)SdpCodec.Opus.PayloadType, (ushort)packet, (uint)packet * 960, 1),
                    callerPackets[packet % callerPackets.Length], frame * 10_000L);
            }
            long t0 = ThreadCpuNanoseconds();
            pipeline.Render.ProcessFrame(received);
            long t1 = ThreadCpuNanoseconds();
            if (canceller is null)
                received.CopyTo(cleaned, 0);
            else
                canceller.ProcessCapture(received, cleaned);
            long t2 = ThreadCpuNanoseconds();
            canceller?.ProcessRender(cleaned);
            long t3 = ThreadCpuNanoseconds();
            pipeline.Capture.ProcessFrame(cleaned);
            long t4 = ThreadCpuNanoseconds();
            nanoseconds[0] += t1 - t0;
            nanoseconds[1] += t2 - t1;
            nanoseconds[2] += t3 - t2;
            nanoseconds[3] += t4 - t3;
        }
        return [.. nanoseconds.Select(ns => ns / 1e3 / Frames)];
    }

    private static long ThreadCpuNanoseconds()
    {
        if (ClockGetTime(ThreadCpuClock, out var time) != 0)
            throw new InvalidOperationException($"clock_gettime failed (errno {Marshal.GetLastPInvokeError()})");
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
