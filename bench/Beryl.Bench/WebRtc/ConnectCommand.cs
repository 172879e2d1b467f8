using System.Diagnostics;
using System.Globalization;
using Beryl.Media.WebRtc;

namespace Beryl.Bench.WebRtc;

/// <summary>
/// <c>connect [--calls N]</c>: time from the offerer's <c>setRemoteDescription</c> to both peers <c>connected</c>
/// (ICE checks, nomination, DTLS handshake, SRTP keys), for two Beryl peers on loopback; median and p95.
/// A whole-call measurement, not a micro-benchmark, so it is timed directly rather than by BenchmarkDotNet.
/// </summary>
internal static class ConnectCommand
{
    public static int Run(string[] args)
    {
        int calls = 50;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--calls" && i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out int n) && n > 0)
                calls = n;
            else
                throw new ArgumentException($"unknown argument '{args[i]}' (usage: connect [--calls N])");
        }

        // One shared identity per side, as a long-running endpoint keeps it: certificate generation is not a per-call cost.
        var offererIdentity = Beryl.Media.Dtls.DtlsCertificate.Generate();
        var answererIdentity = Beryl.Media.Dtls.DtlsCertificate.Generate();
        ConnectOnce(offererIdentity, answererIdentity).GetAwaiter().GetResult();

        var times = new List<double>(calls);
        for (int call = 0; call < calls; call++)
            times.Add(ConnectOnce(offererIdentity, answererIdentity).GetAwaiter().GetResult().TotalMilliseconds);
        times.Sort();
        Console.WriteLine($"setRemoteDescription → connected, two Beryl peers on loopback, {calls} calls:");
        Console.WriteLine(FormattableString.Invariant($"  median {Percentile(times, 0.5):F1} ms, p95 {Percentile(times, 0.95):F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms"));
        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<TimeSpan> ConnectOnce(Beryl.Media.Dtls.DtlsCertificate offererIdentity, Beryl.Media.Dtls.DtlsCertificate answererIdentity)
    {
        await using var offerer = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true, certificate = offererIdentity });
        await using var answerer = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true, certificate = answererIdentity });
        var bothConnected = new CountdownEvent(2);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var pc in new[] { offerer, answerer })
        {
            pc.onconnectionstatechange += state =>
            {
                if (state == RTCPeerConnectionState.connected)
                    bothConnected.Signal();
                else if (state == RTCPeerConnectionState.failed)
                    failed.TrySetResult();
            };
        }

        await offerer.setLocalDescription(offerer.createOffer());
        await offerer.WaitForGatheringCompleteAsync(TimeSpan.FromSeconds(10));
        Check(answerer.setRemoteDescription(offerer.localDescription!));
        await answerer.setLocalDescription(answerer.createAnswer());
        await answerer.WaitForGatheringCompleteAsync(TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        Check(offerer.setRemoteDescription(answerer.localDescription!));
        var connected = Task.Run(() => bothConnected.Wait(TimeSpan.FromSeconds(30)));
        if (await Task.WhenAny(connected, failed.Task) != connected || !await connected)
            throw new InvalidOperationException($"a call did not connect: offerer {offerer.connectionState}, answerer {answerer.connectionState}");
        return clock.Elapsed;
    }

    private static void Check(SetDescriptionResult result)
    {
        if (!result.IsSuccess)
            throw new InvalidOperationException(result.Error);
    }
}
