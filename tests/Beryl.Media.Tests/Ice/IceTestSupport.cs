using System.Net;
using Beryl.Media.Ice;

namespace Beryl.Media.Tests.Ice;

/// <summary>Two loopback agents wired to each other by a test, with awaitable state changes.</summary>
internal static class IceTestSupport
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    public static IceAgentOptions Options(IceRole role) => new()
    {
        Role = role,
        LoopbackOnly = true,
        EnableIPv6 = false,
        CheckInterval = TimeSpan.FromMilliseconds(10),
        CheckRetransmission = new() { InitialTimeout = TimeSpan.FromMilliseconds(50), MaxTransmissions = 5, LastWaitMultiplier = 2 },
        NominationDelay = TimeSpan.FromMilliseconds(50),
    };

    /// <summary>Completes when the agent reaches <paramref name="state"/> (or already is in it).</summary>
    public static Task WhenState(IceAgent agent, IceConnectionState state)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.StateChanged += (_, s) =>
        {
            if (s == state)
                reached.TrySetResult();
        };
        if (agent.State == state)
            reached.TrySetResult();
        return reached.Task;
    }

    /// <summary>Forwards every candidate <paramref name="from"/> gathers to <paramref name="to"/>.</summary>
    public static void Trickle(IceAgent from, IceAgent to) => from.LocalCandidateGathered += (_, c) => to.AddRemoteCandidate(c);

    public static void TrickleBothWays(IceAgent a, IceAgent b)
    {
        Trickle(a, b);
        Trickle(b, a);
    }

    public static Task BothConnected(IceAgent a, IceAgent b) =>
        Task.WhenAll(WhenState(a, IceConnectionState.Connected), WhenState(b, IceConnectionState.Connected));

    /// <summary>Full trickle both ways, credentials first, then both gather; returns once both are connected.</summary>
    public static async Task ConnectAsync(IceAgent a, IceAgent b)
    {
        Task connected = BothConnected(a, b);
        TrickleBothWays(a, b);
        ExchangeCredentials(a, b);
        await Task.WhenAll(a.GatherAsync(), b.GatherAsync());
        await WaitAsync(connected, "both agents connected");
    }

    /// <summary><paramref name="late"/> joins <paramref name="gathered"/>, which already gathered: signalling both ways, then gathering.</summary>
    public static async Task JoinAsync(IceAgent late, IceAgent gathered)
    {
        Trickle(late, gathered);
        foreach (IceCandidate candidate in gathered.LocalCandidates)
            late.AddRemoteCandidate(candidate);
        ExchangeCredentials(late, gathered);
        await late.GatherAsync();
    }

    public static void ExchangeCredentials(IceAgent a, IceAgent b)
    {
        a.SetRemoteCredentials(b.LocalUfrag, b.LocalPassword);
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
    }

    public static async Task WaitAsync(Task task, string what)
    {
        try
        {
            await task.WaitAsync(TestTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"timed out waiting for {what}");
        }
    }

    /// <summary>Waits for one datagram on <paramref name="agent"/>.</summary>
    public static Task<(byte[] Data, IPEndPoint From)> NextDatagram(IceAgent agent)
    {
        var received = new TaskCompletionSource<(byte[], IPEndPoint)>(TaskCreationOptions.RunContinuationsAsynchronously);
        IceDatagramHandler? handler = null;
        handler = (data, from) =>
        {
            received.TrySetResult((data.ToArray(), from));
            agent.DatagramReceived -= handler;
        };
        agent.DatagramReceived += handler;
        return received.Task;
    }
}
