using Beryl.Media.Dtls;

namespace Beryl.Media.Tests.Dtls;

[TestFixture]
public sealed class DtlsTransportResilienceTests
{
    private const byte HandshakeContentType = 22, ChangeCipherSpecContentType = 20;

    private static int Epoch(ReadOnlySpan<byte> record) => record[3] << 8 | record[4];

    private static async Task AssertBothConnect(DtlsTestPair pair)
    {
        var (client, server) = await pair.HandshakeAsync();
        var clientKeys = await client;
        var serverKeys = await server;
        Assert.That(clientKeys.LocalKeys.MasterKey.ToArray(), Is.EqualTo(serverKeys.RemoteKeys.MasterKey.ToArray()));
        Assert.That(clientKeys.RemoteKeys.MasterKey.ToArray(), Is.EqualTo(serverKeys.LocalKeys.MasterKey.ToArray()));
    }

    [Test]
    public async Task Handshake_CompletesWhenEveryThirdDatagramIsLost()
    {
        int dropped = 0;
        using var pair = new DtlsTestPair(filter: (_, index, _) =>
        {
            if (index % 3 != 2)
                return true;
            Interlocked.Increment(ref dropped);
            return false;
        });
        await AssertBothConnect(pair);
        Assert.That(dropped, Is.GreaterThan(0), "the link never dropped anything");
    }

    [Test]
    public async Task Handshake_SurvivesGarbageDatagramsInjectedBetweenRealOnes()
    {
        var random = new Random(5764);
        var garbage = new byte[300];
        DtlsTestPair? pair = null;
        pair = new DtlsTestPair(filter: (direction, _, _) =>
        {
            var receiver = direction == Direction.ClientToServer ? pair!.Server : pair!.Client;
            for (int i = 0; i < 5; i++)
            {
                Span<byte> datagram;
                lock (random)
                {
                    datagram = garbage.AsSpan(0, random.Next(1, garbage.Length));
                    random.NextBytes(datagram);
                    datagram[0] = (byte)random.Next(20, 64);
                }
                receiver.DeliverDatagram(datagram);
            }
            return true;
        });
        using (pair)
        {
            await AssertBothConnect(pair);
            Assert.That(pair.Server.Counters.DroppedMalformed + pair.Client.Counters.DroppedMalformed, Is.GreaterThan(0));
        }
    }

    [Test]
    public async Task ServerAnswersARetransmittedFinalFlight_WhenItsOwnFinishedWasLost()
    {
        int lostFinalFlightRecords = 0;
        // The server's last flight is ChangeCipherSpec plus an epoch-1 Finished; lose its first transmission so the
        // client retransmits and the already connected server has to answer again.
        using var pair = new DtlsTestPair(filter: (direction, _, datagram) =>
        {
            bool finalFlight = datagram[0] == ChangeCipherSpecContentType || (datagram[0] == HandshakeContentType && Epoch(datagram) == 1);
            if (direction == Direction.ServerToClient && finalFlight && lostFinalFlightRecords < 2)
            {
                lostFinalFlightRecords++;
                return false;
            }
            return true;
        });
        await AssertBothConnect(pair);
        Assert.That(lostFinalFlightRecords, Is.EqualTo(2));
    }

    [Test]
    public async Task Close_SendsCloseNotify_AndThePeerEndsClosed()
    {
        using var pair = new DtlsTestPair();
        await AssertBothConnect(pair);
        var serverClosed = new TaskCompletionSource<DtlsTransportState>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.Server.StateChanged += (_, state) => serverClosed.TrySetResult(state);

        pair.Client.Close();

        Assert.That(await serverClosed.Task.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(DtlsTransportState.Closed));
        Assert.That(pair.Client.State, Is.EqualTo(DtlsTransportState.Closed));
        Assert.That(pair.Client.IsThreadAlive, Is.False, "Close must release the DTLS thread");
        Assert.That(pair.Server.State, Is.EqualTo(DtlsTransportState.Closed));
    }

    [Test]
    public void Close_DuringAHandshakeThePeerNeverAnswers_FailsTheHandshakePromptly()
    {
        using var lonely = new DtlsTransport(TestIdentities.Client, DtlsRole.Client, _ => { }, DtlsTestPair.Options(timeoutSeconds: 60));
        lonely.SetRemoteFingerprint(TestIdentities.Server.Fingerprint);
        var handshake = lonely.HandshakeAsync();

        lonely.Close();

        var error = Assert.ThrowsAsync<DtlsHandshakeException>(async () => await handshake.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(error!.Reason, Is.EqualTo(DtlsHandshakeFailure.Closed));
        Assert.That(lonely.State, Is.EqualTo(DtlsTransportState.Closed));
        Assert.That(lonely.IsThreadAlive, Is.False, "Close must release the DTLS thread");
        Assert.Throws<ObjectDisposedException>(() => lonely.HandshakeAsync());
    }

    [Test]
    public void Cancellation_EndsAHandshakeThePeerNeverAnswers()
    {
        using var lonely = new DtlsTransport(TestIdentities.Server, DtlsRole.Server, _ => { }, DtlsTestPair.Options(timeoutSeconds: 60));
        lonely.SetRemoteFingerprint(TestIdentities.Client.Fingerprint);
        using var cancellation = new CancellationTokenSource();
        var handshake = lonely.HandshakeAsync(cancellation.Token);

        cancellation.Cancel();

        Assert.CatchAsync<OperationCanceledException>(async () => await handshake.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(handshake.IsCanceled, Is.True);
        Assert.That(lonely.State, Is.EqualTo(DtlsTransportState.Failed));
    }

    [Test]
    public void Timeout_EndsAHandshakeThePeerNeverAnswers()
    {
        int sent = 0;
        using var lonely = new DtlsTransport(TestIdentities.Client, DtlsRole.Client, _ => Interlocked.Increment(ref sent), DtlsTestPair.Options(timeoutSeconds: 0.5));
        lonely.SetRemoteFingerprint(TestIdentities.Server.Fingerprint);

        var error = Assert.ThrowsAsync<DtlsHandshakeException>(async () => await lonely.HandshakeAsync().WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.That(error!.Reason, Is.EqualTo(DtlsHandshakeFailure.Timeout));
        Assert.That(lonely.State, Is.EqualTo(DtlsTransportState.Failed));
        Assert.That(sent, Is.GreaterThanOrEqualTo(1), "the ClientHello never went out");
        Assert.That(lonely.Counters.HandshakeFailures, Is.EqualTo(1));
    }

    [Test]
    public void DeliverDatagram_DropsAndCountsWhatItCannotUse()
    {
        using var server = new DtlsTransport(TestIdentities.Server, DtlsRole.Server, _ => { },
            new DtlsTransportOptions { ReceiveQueueCapacity = 4, MaxReceiveDatagramSize = 1500 });
        var record = new byte[13 + 4];
        record[0] = HandshakeContentType;
        record[1] = 0xFE;
        record[2] = 0xFD;
        record[12] = 4;

        server.DeliverDatagram(new byte[1501]);
        server.DeliverDatagram([]);
        server.DeliverDatagram([0x16]);
        server.DeliverDatagram(record.AsSpan(0, record.Length - 1)); // record length says 4, 3 present
        server.DeliverDatagram([.. record, 0x17]); // trailing byte after the record
        for (int i = 0; i < 10; i++)
            server.DeliverDatagram(record); // nobody drains the queue before the handshake starts

        var counters = server.Counters;
        Assert.Multiple(() =>
        {
            Assert.That(counters.DroppedOversized, Is.EqualTo(1));
            Assert.That(counters.DroppedMalformed, Is.EqualTo(4));
            Assert.That(counters.DatagramsReceived, Is.EqualTo(4));
            Assert.That(counters.DroppedQueueFull, Is.EqualTo(6));
        });

        server.Close();
        server.DeliverDatagram(record);
        Assert.That(server.Counters, Is.EqualTo(counters), "a closed transport must ignore datagrams");
    }

    [TestCase(new byte[] { 20 }, true)]
    [TestCase(new byte[] { 63, 0 }, true)]
    [TestCase(new byte[] { 19 }, false)]
    [TestCase(new byte[] { 64 }, false)]
    [TestCase(new byte[] { 0, 1 }, false)]
    [TestCase(new byte[] { 128 }, false)]
    [TestCase(new byte[0], false)]
    public void IsDtlsDatagram_FollowsRfc7983(byte[] datagram, bool expected) =>
        Assert.That(DtlsTransport.IsDtlsDatagram(datagram), Is.EqualTo(expected));

    [Test]
    public void Constructor_RejectsUnusableOptions()
    {
        static void Create(DtlsTransportOptions options) => new DtlsTransport(TestIdentities.Client, DtlsRole.Client, _ => { }, options).Dispose();
        Assert.Throws<ArgumentException>(() => Create(new DtlsTransportOptions { SrtpProfiles = [] }));
        Assert.Throws<ArgumentException>(() => Create(new DtlsTransportOptions { SrtpProfiles = [Beryl.Media.Srtp.SrtpProtectionProfile.AeadAes128Gcm, Beryl.Media.Srtp.SrtpProtectionProfile.AeadAes128Gcm] }));
        Assert.Throws<ArgumentException>(() => Create(new DtlsTransportOptions { SrtpProfiles = [(Beryl.Media.Srtp.SrtpProtectionProfile)0x0008] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new DtlsTransportOptions { HandshakeTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new DtlsTransportOptions { Mtu = 100 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new DtlsTransportOptions { Mtu = 1400, MaxReceiveDatagramSize = 1300 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new DtlsTransportOptions { ReceiveQueueCapacity = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DtlsTransport(TestIdentities.Client, (DtlsRole)7, _ => { }));
    }

    [Test]
    public void HandshakeAsync_RunsOncePerTransport()
    {
        using var lonely = new DtlsTransport(TestIdentities.Client, DtlsRole.Client, _ => { });
        lonely.SetRemoteFingerprint(TestIdentities.Server.Fingerprint);
        _ = lonely.HandshakeAsync();
        Assert.Throws<InvalidOperationException>(() => lonely.HandshakeAsync());
    }
}
