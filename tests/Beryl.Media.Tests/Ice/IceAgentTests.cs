using System.Net;
using System.Net.Sockets;
using System.Text;
using Beryl.Media.Ice;
using Beryl.Media.Stun;
using Beryl.Media.Tests.Stun;
using static Beryl.Media.Tests.Ice.IceTestSupport;

namespace Beryl.Media.Tests.Ice;

[TestFixture]
public sealed class IceAgentTests
{
    private static async Task AssertDataFlowsBothWays(IceAgent a, IceAgent b)
    {
        byte[] rtp = [0x80, 0x60, 0, 1, 2, 3, 4, 5];
        byte[] dtls = [22, 0xfe, 0xfd, 9, 9];
        Task<(byte[] Data, IPEndPoint From)> atB = NextDatagram(b);
        Assert.That(a.Send(rtp), Is.True);
        (byte[] data, IPEndPoint from) = await atB.WaitAsync(TestTimeout);
        Assert.That(data, Is.EqualTo(rtp));
        Assert.That(from, Is.EqualTo(a.SelectedLocalEndPoint));

        Task<(byte[] Data, IPEndPoint From)> atA = NextDatagram(a);
        Assert.That(b.Send(dtls), Is.True);
        (data, from) = await atA.WaitAsync(TestTimeout);
        Assert.That(data, Is.EqualTo(dtls));
        Assert.That(from, Is.EqualTo(b.SelectedLocalEndPoint));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task TwoAgentsConnectAndExchangeData(bool credentialsFirst)
    {
        await using var a = new IceAgent(Options(IceRole.Controlling));
        await using var b = new IceAgent(Options(IceRole.Controlled));
        Task connected = BothConnected(a, b);
        TrickleBothWays(a, b);
        if (credentialsFirst)
            ExchangeCredentials(a, b);
        await a.GatherAsync();
        await b.GatherAsync();
        if (!credentialsFirst)
            ExchangeCredentials(a, b);
        await WaitAsync(connected, "both agents connected");

        Assert.That(a.Role, Is.EqualTo(IceRole.Controlling));
        Assert.That(b.Role, Is.EqualTo(IceRole.Controlled));
        Assert.That(a.SelectedRemoteEndPoint, Is.EqualTo(b.SelectedLocalEndPoint));
        Assert.That(b.SelectedRemoteEndPoint, Is.EqualTo(a.SelectedLocalEndPoint));
        await AssertDataFlowsBothWays(a, b);
        Assert.That(a.Statistics.IntegrityFailures + b.Statistics.IntegrityFailures, Is.Zero);
    }

    [Test]
    public async Task GatheringAnnouncesLoopbackHostCandidatesAndCompletes()
    {
        await using var agent = new IceAgent(Options(IceRole.Controlling));
        var gathered = new List<IceCandidate>();
        var states = new List<IceGatheringState>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.LocalCandidateGathered += (_, c) => gathered.Add(c);
        agent.GatheringStateChanged += (_, s) => states.Add(s);
        agent.GatheringCompleted += (_, _) => completed.TrySetResult();
        await agent.GatherAsync();
        await WaitAsync(completed.Task, "gathering complete");
        Assert.That(states, Is.EqualTo(new[] { IceGatheringState.Gathering, IceGatheringState.Complete }));
        Assert.That(gathered, Has.Count.EqualTo(1));
        Assert.That(gathered[0].Type, Is.EqualTo(IceCandidateType.Host));
        Assert.That(gathered[0].EndPoint!.Address, Is.EqualTo(IPAddress.Loopback));
        Assert.That(gathered[0].Port, Is.Not.Zero);
        Assert.That(agent.LocalUfrag, Has.Length.GreaterThanOrEqualTo(4).And.Match("^[A-Za-z0-9+/]+$"));
        Assert.That(agent.LocalPassword, Has.Length.GreaterThanOrEqualTo(22).And.Match("^[A-Za-z0-9+/]+$"));
        Assert.ThrowsAsync<InvalidOperationException>(() => agent.GatherAsync());
    }

    [Test]
    public async Task RoleConflictIsResolvedWhenBothStartControlling()
    {
        await using var a = new IceAgent(Options(IceRole.Controlling));
        await using var b = new IceAgent(Options(IceRole.Controlling));
        await ConnectAsync(a, b);
        Assert.That(new[] { a.Role, b.Role }, Is.EquivalentTo(new[] { IceRole.Controlling, IceRole.Controlled }));
        Assert.That(a.Statistics.RoleConflicts + b.Statistics.RoleConflicts, Is.GreaterThan(0));
        await AssertDataFlowsBothWays(a, b);
    }

    [Test]
    public async Task PeerReflexiveCandidateIsLearnedFromChecks()
    {
        await using var a = new IceAgent(Options(IceRole.Controlling));
        await using var b = new IceAgent(Options(IceRole.Controlled));
        Task connected = BothConnected(a, b);
        Trickle(b, a); // a learns b's candidates; b never hears of a's
        ExchangeCredentials(a, b);
        await b.GatherAsync();
        await a.GatherAsync();
        await WaitAsync(connected, "both agents connected");
        Assert.That(b.SelectedRemoteEndPoint, Is.EqualTo(a.SelectedLocalEndPoint));
        await AssertDataFlowsBothWays(a, b);
    }

    [Test]
    public async Task ChecksBeforeRemoteCredentialsAreAnsweredAndRemembered()
    {
        await using var a = new IceAgent(Options(IceRole.Controlling));
        await using var b = new IceAgent(Options(IceRole.Controlled));
        Task connected = BothConnected(a, b);
        Trickle(b, a);
        a.SetRemoteCredentials(b.LocalUfrag, b.LocalPassword);
        await b.GatherAsync();
        await a.GatherAsync();
        // b answers a's checks without knowing a's password, so a connects first and b only remembers them.
        await WaitAsync(WhenState(a, IceConnectionState.Connected), "a connected");
        Assert.That(b.State, Is.EqualTo(IceConnectionState.New));
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
        await WaitAsync(connected, "both agents connected");
        await AssertDataFlowsBothWays(a, b);
    }

    [Test]
    public async Task WrongPasswordRequestsAreRefusedAndCountedWhileTheCallConnects()
    {
        await using var a = new IceAgent(Options(IceRole.Controlling));
        await using var b = new IceAgent(Options(IceRole.Controlled));
        Task connected = BothConnected(a, b);
        await b.GatherAsync();
        IPEndPoint target = b.LocalCandidates[0].EndPoint!;

        using Socket intruder = LoopbackUdp.Bind();
        byte[] buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageClass.Request, StunMethod.Binding, StunTransactionId.NewRandom());
        writer.AddUsername(b.LocalUfrag + ":evil");
        writer.AddPriority(1);
        writer.AddIceControlling(1);
        writer.AddMessageIntegrity("not the password"u8);
        writer.AddFingerprint();
        byte[] answer = await LoopbackUdp.ExchangeAsync(intruder, target, writer.Written.ToArray());
        Assert.That(StunMessage.TryParse(answer, out StunMessage response), Is.True);
        Assert.That(response.TryGetErrorCode(out int code, out _) ? code : 0, Is.EqualTo(401));
        Assert.That(b.Statistics.IntegrityFailures, Is.EqualTo(1));

        await JoinAsync(a, b);
        await WaitAsync(connected, "both agents connected");
        Assert.That(b.Statistics.IntegrityFailures, Is.EqualTo(1));
        Assert.That(b.SelectedRemoteEndPoint, Is.Not.EqualTo(intruder.LocalEndPoint), "the intruder never became a candidate");
    }

    [Test]
    public async Task ConsentLossGoesDisconnectedThenFailed()
    {
        IceAgentOptions Fast(IceRole role) => Options(role) with
        {
            ConsentInterval = TimeSpan.FromMilliseconds(100),
            DisconnectedTimeout = TimeSpan.FromMilliseconds(600),
            ConsentTimeout = TimeSpan.FromMilliseconds(2000),
        };
        await using var a = new IceAgent(Fast(IceRole.Controlling));
        var b = new IceAgent(Fast(IceRole.Controlled));
        await ConnectAsync(a, b);

        // Consent keeps the call up across several intervals while the peer answers.
        var states = new List<IceConnectionState>();
        a.StateChanged += (_, s) => { lock (states) states.Add(s); };
        long sentBefore = a.Statistics.PacketsSent;
        await Task.Delay(500);
        Assert.That(a.State, Is.EqualTo(IceConnectionState.Connected));
        Assert.That(a.Statistics.PacketsSent, Is.GreaterThan(sentBefore), "consent checks are being sent");

        Task disconnected = WhenState(a, IceConnectionState.Disconnected);
        Task failed = WhenState(a, IceConnectionState.Failed);
        await b.DisposeAsync();
        Assert.That(b.State, Is.EqualTo(IceConnectionState.Closed));
        await WaitAsync(disconnected, "Disconnected");
        await WaitAsync(failed, "Failed");
        lock (states)
            Assert.That(states, Is.EqualTo(new[] { IceConnectionState.Disconnected, IceConnectionState.Failed }));
        Assert.That(a.Send([0x80, 0]), Is.False, "no pair after consent expired");
    }

    [Test]
    public async Task ServerReflexiveCandidateIsGatheredFromStunServer()
    {
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var options = new IceAgentOptions
        {
            LoopbackOnly = true,
            EnableIPv6 = false,
            StunServers = [server.LocalEndPoint.ToString()],
        };
        await using var agent = new IceAgent(options);
        await agent.GatherAsync();
        IReadOnlyList<IceCandidate> candidates = agent.LocalCandidates;
        IceCandidate host = candidates.Single(c => c.Type == IceCandidateType.Host);
        IceCandidate srflx = candidates.Single(c => c.Type == IceCandidateType.ServerReflexive);
        Assert.That(srflx.EndPoint, Is.EqualTo(host.EndPoint), "on loopback the reflexive address is the host address");
        Assert.That((srflx.RelatedAddress, srflx.RelatedPort), Is.EqualTo((host.Address, (int?)host.Port)));
        Assert.That(srflx.Priority, Is.LessThan(host.Priority));
        Assert.That(server.Answered, Is.EqualTo(1));
    }

    [Test]
    public async Task UnreachableStunServerBoundsGathering()
    {
        using Socket silent = LoopbackUdp.Bind();
        var options = new IceAgentOptions
        {
            LoopbackOnly = true,
            EnableIPv6 = false,
            StunServers = [silent.LocalEndPoint!.ToString()!],
            ServerReflexiveRetransmission = new() { InitialTimeout = TimeSpan.FromMilliseconds(30), MaxTransmissions = 2, LastWaitMultiplier = 2 },
        };
        await using var agent = new IceAgent(options);
        await agent.GatherAsync().WaitAsync(TestTimeout);
        Assert.That(agent.GatheringState, Is.EqualTo(IceGatheringState.Complete));
        Assert.That(agent.LocalCandidates.Select(c => c.Type), Is.EqualTo(new[] { IceCandidateType.Host }));
    }

    [Test]
    public async Task FloodOfRandomDatagramsDoesNotStopTheAgent()
    {
        await using var a = new IceAgent(Options(IceRole.Controlling));
        await using var b = new IceAgent(Options(IceRole.Controlled));
        await b.GatherAsync();
        IPEndPoint target = b.LocalCandidates[0].EndPoint!;
        using Socket flooder = LoopbackUdp.Bind();
        var random = new Random(8445);
        for (int i = 0; i < 3000; i++)
        {
            byte[] junk = new byte[random.Next(0, 200)];
            random.NextBytes(junk);
            if (i % 3 == 0 && junk.Length >= 20)
            {
                // Make a third of them pass the STUN demultiplexing test so the parser is exercised.
                junk[0] &= 0x03;
                junk[4] = 0x21; junk[5] = 0x12; junk[6] = 0xa4; junk[7] = 0x42;
            }
            flooder.SendTo(junk, target);
            // A burst beyond the socket's receive buffer is lost in the kernel on a busy machine, before the agent could
            // count it: every 100 datagrams, wait until the agent has taken in the bulk of what was sent.
            if (i % 100 == 99)
                await WaitAsync(Until(() => Counted(b) >= (i + 1) / 2), $"the agent to take in {i + 1} junk datagrams");
        }

        Task connected = BothConnected(a, b);
        await JoinAsync(a, b);
        await WaitAsync(connected, "both agents connected");
        await AssertDataFlowsBothWays(a, b);
        TestContext.Out.WriteLine($"{Counted(b)} of 3000 junk datagrams counted");
        Assert.That(Counted(b), Is.GreaterThan(1000));
        Assert.That(b.Statistics.ReceiveErrors, Is.Zero);

        static long Counted(IceAgent agent) =>
            agent.Statistics.StunParseFailures + agent.Statistics.UnknownPacketsDropped + agent.Statistics.UnknownSourceDropped;

        static async Task Until(Func<bool> condition)
        {
            while (!condition())
                await Task.Delay(1);
        }
    }

    [Test]
    public async Task CloseReleasesSocketsAndTheirPortsCanBeReused()
    {
        var agent = new IceAgent(Options(IceRole.Controlling));
        Task closed = WhenState(agent, IceConnectionState.Closed);
        await agent.GatherAsync();
        IPEndPoint bound = agent.LocalCandidates[0].EndPoint!;
        await agent.DisposeAsync();
        await agent.DisposeAsync();
        await WaitAsync(closed, "Closed");
        using var rebind = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rebind.Bind(bound);
        Assert.That(rebind.LocalEndPoint, Is.EqualTo(bound));
        Assert.That(agent.Send([0x80]), Is.False);
    }

    [Test]
    public async Task DualStackLoopbackPairsOnlyWithinEachFamily()
    {
        if (!Socket.OSSupportsIPv6)
            Assert.Ignore("no IPv6 on this host");
        await using var a = new IceAgent(Options(IceRole.Controlling) with { EnableIPv6 = true });
        await using var b = new IceAgent(Options(IceRole.Controlled) with { EnableIPv6 = true });
        await ConnectAsync(a, b);
        if (a.LocalCandidates.Count < 2)
            Assert.Ignore("::1 cannot be bound on this host");
        Assert.That(a.SelectedLocalEndPoint!.AddressFamily, Is.EqualTo(a.SelectedRemoteEndPoint!.AddressFamily));
        await AssertDataFlowsBothWays(a, b);
    }

    [Test]
    public async Task PortRangeIsHonoured()
    {
        // Find a free port, then ask for a range of exactly that port.
        int port;
        using (Socket probe = LoopbackUdp.Bind())
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        await using var agent = new IceAgent(Options(IceRole.Controlling) with { PortMin = port, PortMax = port });
        await agent.GatherAsync();
        Assert.That(agent.LocalCandidates.Single().Port, Is.EqualTo(port));

        await using var blocked = new IceAgent(Options(IceRole.Controlling) with { PortMin = port, PortMax = port });
        await blocked.GatherAsync();
        Assert.That(blocked.LocalCandidates, Is.Empty, "the only port in the range is taken");
        Assert.That(blocked.GatheringState, Is.EqualTo(IceGatheringState.Complete));
    }

    [Test]
    public async Task UnusableRemoteCandidatesAreNeverPaired()
    {
        await using var agent = new IceAgent(Options(IceRole.Controlling));
        await agent.GatherAsync();
        agent.SetRemoteCredentials("ufrag", "0123456789012345678901");
        string[] lines =
        [
            "candidate:1 1 udp 2122260223 192.0.2.10 40000 typ host",             // not loopback: would leave the host
            "candidate:2 1 udp 2122260223 abcd-ef.local 40001 typ host",          // mDNS: not resolved
            "candidate:3 1 tcp 1518280447 127.0.0.1 40002 typ host tcptype passive", // not UDP
            "candidate:4 2 udp 2122260222 127.0.0.1 40003 typ host",              // second component: rtcp-mux only
            "candidate:5 1 udp 2122260223 ::1 40004 typ host",                    // other family (IPv6 off)
        ];
        foreach (string line in lines)
        {
            Assert.That(IceCandidate.TryParse(line, out IceCandidate candidate), Is.True, line);
            agent.AddRemoteCandidate(candidate);
        }
        Assert.That(agent.PairCount, Is.Zero);
        Assert.That(agent.State, Is.EqualTo(IceConnectionState.New));

        Assert.That(IceCandidate.TryParse("candidate:6 1 udp 2122260223 127.0.0.1 40005 typ host", out IceCandidate usable), Is.True);
        agent.AddRemoteCandidate(usable);
        Assert.That(agent.PairCount, Is.EqualTo(1));
        Assert.That(agent.State, Is.EqualTo(IceConnectionState.Checking));
    }

    [Test]
    public async Task AllPairsFailingAfterEndOfCandidatesFailsTheAgent()
    {
        using Socket silent = LoopbackUdp.Bind();
        await using var agent = new IceAgent(Options(IceRole.Controlling));
        Task failed = WhenState(agent, IceConnectionState.Failed);
        await agent.GatherAsync();
        agent.SetRemoteCredentials("ufrag", "0123456789012345678901");
        var target = (IPEndPoint)silent.LocalEndPoint!;
        agent.AddRemoteCandidate(new IceCandidate("1", 1, "udp", 2122260223, target.Address.ToString(), target.Port, IceCandidateType.Host));
        agent.EndOfRemoteCandidates();
        await WaitAsync(failed, "Failed");
        Assert.That(silent.Available, Is.GreaterThan(0), "the checks were sent and retransmitted");
        byte[] buffer = new byte[1500];
        int length = silent.Receive(buffer);
        Assert.That(StunMessage.TryParse(buffer.AsSpan(0, length), out StunMessage check), Is.True);
        Assert.That(check.Username, Is.EqualTo("ufrag:" + agent.LocalUfrag));
        Assert.That(check.TryGetIceControlling(out _), Is.True);
        Assert.That(check.TryGetPriority(out uint priority) ? priority >> 24 : 0, Is.EqualTo(110u), "peer-reflexive type preference");
        Assert.That(check.VerifyMessageIntegrity("0123456789012345678901"u8), Is.True);
        Assert.That(check.HasValidFingerprint, Is.True);
    }

    [Test]
    public async Task RequestsWithUnknownRequiredAttributesGet420()
    {
        await using var agent = new IceAgent(Options(IceRole.Controlled));
        await agent.GatherAsync();
        using Socket peer = LoopbackUdp.Bind();
        byte[] buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageClass.Request, StunMethod.Binding, StunTransactionId.NewRandom());
        writer.AddUsername(agent.LocalUfrag + ":peer");
        writer.AddAttribute(0x0077, [1, 2, 3, 4]);
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(agent.LocalPassword));
        writer.AddFingerprint();
        byte[] answer = await LoopbackUdp.ExchangeAsync(peer, agent.LocalCandidates[0].EndPoint!, writer.Written.ToArray());
        Assert.That(StunMessage.TryParse(answer, out StunMessage response), Is.True);
        Assert.That(response.TryGetErrorCode(out int code, out _) ? code : 0, Is.EqualTo(420));
        Assert.That(response.UnknownAttributesCount, Is.EqualTo(1));
        Assert.That(response.GetUnknownAttribute(0), Is.EqualTo((ushort)0x0077));
    }

    [Test]
    public async Task AuthenticRequestIsAnsweredWithItsSourceAndTheLocalPassword()
    {
        await using var agent = new IceAgent(Options(IceRole.Controlled));
        await agent.GatherAsync();
        using Socket peer = LoopbackUdp.Bind();
        byte[] buffer = new byte[256];
        var id = StunTransactionId.NewRandom();
        var writer = new StunMessageWriter(buffer, StunMessageClass.Request, StunMethod.Binding, id);
        writer.AddUsername(agent.LocalUfrag + ":peer");
        writer.AddPriority(1862270975);
        writer.AddIceControlling(42);
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(agent.LocalPassword));
        writer.AddFingerprint();
        byte[] answer = await LoopbackUdp.ExchangeAsync(peer, agent.LocalCandidates[0].EndPoint!, writer.Written.ToArray());
        Assert.That(StunMessage.TryParse(answer, out StunMessage response), Is.True);
        Assert.That(response.Class, Is.EqualTo(StunMessageClass.SuccessResponse));
        Assert.That(response.TransactionId, Is.EqualTo(id));
        Assert.That(response.TryGetXorMappedAddress(out IPEndPoint mapped) ? mapped : null, Is.EqualTo(peer.LocalEndPoint));
        Assert.That(response.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(agent.LocalPassword)), Is.True);
        Assert.That(response.HasValidFingerprint, Is.True);
        Assert.That(agent.State, Is.EqualTo(IceConnectionState.New), "remembered until the remote credentials arrive");
    }

    [Test]
    public async Task AgentsTricklingIntoEachOtherFromTwoThreadsDoNotDeadlock()
    {
        // Each agent's candidate event calls into the other from its own thread, the pattern that deadlocks
        // if events are raised while holding a lock.
        for (int attempt = 0; attempt < 10; attempt++)
        {
            await using var a = new IceAgent(Options(IceRole.Controlling));
            await using var b = new IceAgent(Options(IceRole.Controlled));
            Task connected = BothConnected(a, b);
            TrickleBothWays(a, b);
            a.StateChanged += (_, _) => _ = b.State;
            b.StateChanged += (_, _) => _ = a.State;
            ExchangeCredentials(a, b);
            await WaitAsync(Task.WhenAll(Task.Run(() => a.GatherAsync()), Task.Run(() => b.GatherAsync())), "gathering");
            await WaitAsync(connected, $"both agents connected (attempt {attempt})");
        }
    }

    [Test]
    public void PairPriorityFollowsRfc8445()
    {
        Assert.That(IceCandidatePair.ComputePriority(10, 20), Is.EqualTo((10ul << 32) + 40));
        Assert.That(IceCandidatePair.ComputePriority(20, 10), Is.EqualTo((10ul << 32) + 41));
        Assert.That(IceCandidate.ComputePriority(IceCandidateType.Host, 65535, 1), Is.EqualTo(2130706431u));
    }

    [Test]
    public void ClassifierFollowsRfc7983()
    {
        Assert.That(PacketClassifier.Classify([]), Is.EqualTo(PacketKind.Unknown));
        Assert.That(Enumerable.Range(0, 256).Select(b => PacketClassifier.Classify([(byte)b])).ToArray(), Is.EqualTo(
            Enumerable.Range(0, 256).Select(b => b switch
            {
                < 4 => PacketKind.Stun,
                >= 20 and < 64 => PacketKind.Dtls,
                >= 128 and < 192 => PacketKind.Rtp,
                _ => PacketKind.Unknown,
            }).ToArray()));
    }
}
