using System.Runtime.InteropServices;
using System.Globalization;
using Beryl.Aec;
using Beryl.Media.Audio;
using Beryl.Media.Engine;
using Beryl.Media.Node;
using Beryl.Media.Rtp;
using Beryl.Media.Sdp;

namespace Beryl.Bench.Load;

/// <summary>
/// Where one echo call's 10 ms tick at the node goes, stage by stage, on one thread: the node leg's composition (a
/// pipeline without its own canceller, and a canceller whose reference is what the node sends) with the node's default
/// options, fed the callers' packets. Transport (SRTP, sockets, RTCP, signaling) is not in it: the load run's CPU per
/// call minus this total is that share. Timed in the thread's CPU time, so a shared or stolen CPU does not inflate it.
/// </summary>
internal static partial class NodeLegProfile
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private const int WarmupFrames = 500;
    private const int Frames = 3000;

    public static void Run(byte[][] callerPackets)
    {
        var options = new MediaNodeOptions();
        var format = new AudioFormat(options.EchoCanceller.SampleRate, 1);
        var pipelineOptions = new AudioEngineOptions { EchoCancellation = false, Codec = options.Codec };
        if (!CallAudioPipeline.TryCreate(SdpCodec.Opus, pipelineOptions, format, format, (_, _) => true, out var pipeline, out string? error))
            throw new InvalidOperationException(error);
        using var leg = pipeline;
        var canceller = new EchoCanceller(options.EchoCanceller with { CaptureChannels = 1, RenderChannels = 1 });
        var received = new float[format.InterleavedSamplesPer10Ms];
        var cleaned = new float[received.Length];
        string[] stages = ["jitter buffer + Opus decode + resample", "canceller capture (Full 16 kHz)", "canceller render", "resample + Opus encode (complexity 5, 16 kHz)"];
        var nanoseconds = new long[stages.Length];

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
            leg.Render.ProcessFrame(received);
            long t1 = ThreadCpuNanoseconds();
            canceller.ProcessCapture(received, cleaned);
            long t2 = ThreadCpuNanoseconds();
            canceller.ProcessRender(cleaned);
            long t3 = ThreadCpuNanoseconds();
            leg.Capture.ProcessFrame(cleaned);
            long t4 = ThreadCpuNanoseconds();
            nanoseconds[0] += t1 - t0;
            nanoseconds[1] += t2 - t1;
            nanoseconds[2] += t3 - t2;
            nanoseconds[3] += t4 - t3;
        }

        var inv = CultureInfo.InvariantCulture;
        double total = nanoseconds.Sum() / 1e3 / Frames;
        Console.WriteLine($"one echo leg's 10 ms tick at the node, by stage (thread CPU time, {Frames} frames after {WarmupFrames} of warm-up):");
        Console.WriteLine("| stage | µs per 10 ms | share |");
        Console.WriteLine("|---|---:|---:|");
        for (int i = 0; i < stages.Length; i++)
        {
            double us = nanoseconds[i] / 1e3 / Frames;
            Console.WriteLine(string.Create(inv, $"| {stages[i]} | {us:0.0} | {us / total:0%} |"));
        }
        Console.WriteLine(string.Create(inv, $"| total | {total:0.0} | {total / 100:0.0} ms CPU per call per s, at most {10_000 / total:0} calls per core |"));
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
