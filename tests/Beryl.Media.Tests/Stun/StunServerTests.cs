using System.Net;
using System.Net.Sockets;
using Beryl.Media.Stun;

namespace Beryl.Media.Tests.Stun;

[TestFixture]
public sealed class StunServerTests
{
    [Test]
    public async Task ClientLearnsItsLoopbackAddress()
    {
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0));
        using Socket socket = LoopbackUdp.Bind();
        IPEndPoint? mapped = await StunClient.QueryMappedAddressAsync(socket, server.LocalEndPoint);
        Assert.That(mapped, Is.EqualTo(socket.LocalEndPoint));
        Assert.That(server.Answered, Is.EqualTo(1));
    }

    [Test]
    public async Task ClientRetransmitsThenGivesUp()
    {
        using Socket silent = LoopbackUdp.Bind(); // bound but never answers
        using Socket socket = LoopbackUdp.Bind();
        var retransmission = new StunRetransmission { InitialTimeout = TimeSpan.FromMilliseconds(20), MaxTransmissions = 3, LastWaitMultiplier = 2 };
        IPEndPoint? mapped = await StunClient.QueryMappedAddressAsync(socket, (IPEndPoint)silent.LocalEndPoint!, retransmission);
        Assert.That(mapped, Is.Null);
        Assert.That(silent.Available, Is.GreaterThan(0));
        int requests = 0;
        byte[] buffer = new byte[1500];
        while (silent.Available > 0)
        {
            int n = silent.Receive(buffer);
            Assert.That(StunMessage.TryParse(buffer.AsSpan(0, n), out StunMessage request), Is.True);
            requests++;
        }
        Assert.That(requests, Is.EqualTo(3));
    }

    [Test]
    public async Task ClientIgnoresStrangersAndReturnsNullOnErrorResponse()
    {
        using Socket fakeServer = LoopbackUdp.Bind();
        using Socket socket = LoopbackUdp.Bind();
        Task<IPEndPoint?> query = StunClient.QueryMappedAddressAsync(socket, (IPEndPoint)fakeServer.LocalEndPoint!);

        byte[] buffer = new byte[1500];
        using var timeout = new CancellationTokenSource(LoopbackUdp.Timeout);
        SocketReceiveFromResult received = await fakeServer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        Assert.That(StunMessage.TryParse(buffer.AsSpan(0, received.ReceivedBytes), out StunMessage request), Is.True);
        StunTransactionId id = request.TransactionId;

        byte[] answer = new byte[128];
        // Another transaction's success must not be taken for ours.
        var writer = new StunMessageWriter(answer, StunMessageClass.SuccessResponse, StunMethod.Binding, StunTransactionId.NewRandom());
        writer.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 1));
        await fakeServer.SendToAsync(writer.Written.ToArray(), SocketFlags.None, received.RemoteEndPoint);
        writer = new StunMessageWriter(answer, StunMessageClass.ErrorResponse, StunMethod.Binding, id);
        writer.AddErrorCode(StunErrorCode.ServerError, "busy");
        await fakeServer.SendToAsync(writer.Written.ToArray(), SocketFlags.None, received.RemoteEndPoint);

        Assert.That(await query.WaitAsync(LoopbackUdp.Timeout), Is.Null);
    }

    [Test]
    public void RetransmissionWaitsDoubleThenUseTheLastMultiplier()
    {
        var policy = StunRetransmission.Default;
        Assert.That(Enumerable.Range(1, 7).Select(policy.WaitAfter).Select(t => t.TotalMilliseconds),
            Is.EqualTo(new double[] { 500, 1000, 2000, 4000, 8000, 8000, 8000 }));
    }

    [Test]
    public async Task MalformedRequestGets400AndUnknownRequiredAttributeGets420()
    {
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0));
        using Socket socket = LoopbackUdp.Bind();

        byte[] buffer = new byte[64];
        var id = StunTransactionId.NewRandom();
        var writer = new StunMessageWriter(buffer, StunMessageClass.Request, StunMethod.Binding, id);
        writer.AddAttribute(StunAttributeType.Priority, [1, 2]); // PRIORITY must be 4 bytes
        byte[] answer = await LoopbackUdp.ExchangeAsync(socket, server.LocalEndPoint, writer.Written.ToArray());
        Assert.That(StunMessage.TryParse(answer, out StunMessage response), Is.True);
        Assert.That(response.Class, Is.EqualTo(StunMessageClass.ErrorResponse));
        Assert.That(response.TransactionId, Is.EqualTo(id));
        Assert.That(response.TryGetErrorCode(out int code, out _) ? code : 0, Is.EqualTo(400));

        writer = new StunMessageWriter(buffer, StunMessageClass.Request, StunMethod.Binding, id);
        writer.AddAttribute(0x0042, [7]);
        writer.AddAttribute(0xC042, [7]);
        writer.AddFingerprint();
        answer = await LoopbackUdp.ExchangeAsync(socket, server.LocalEndPoint, writer.Written.ToArray());
        Assert.That(StunMessage.TryParse(answer, out response), Is.True);
        Assert.That(response.TryGetErrorCode(out code, out _) ? code : 0, Is.EqualTo(420));
        Assert.That(response.UnknownAttributesCount, Is.EqualTo(1));
        Assert.That(response.GetUnknownAttribute(0), Is.EqualTo((ushort)0x0042));
        Assert.That(response.HasValidFingerprint, Is.True);
        Assert.That(server.Rejected, Is.EqualTo(2));
    }

    [Test]
    public async Task IndicationsAndGarbageAreDroppedAndTheServerKeepsAnswering()
    {
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0));
        using Socket socket = LoopbackUdp.Bind();
        byte[] indication = new byte[20];
        _ = new StunMessageWriter(indication, StunMessageClass.Indication, StunMethod.Binding, StunTransactionId.NewRandom());
        await socket.SendToAsync(indication, SocketFlags.None, server.LocalEndPoint);
        await socket.SendToAsync(new byte[] { 0x80, 1, 2 }, SocketFlags.None, server.LocalEndPoint);
        await socket.SendToAsync(Array.Empty<byte>(), SocketFlags.None, server.LocalEndPoint);
        IPEndPoint? mapped = await StunClient.QueryMappedAddressAsync(socket, server.LocalEndPoint);
        Assert.That(mapped, Is.EqualTo(socket.LocalEndPoint));
        Assert.That(server.Dropped, Is.EqualTo(3));
    }

    [Test]
    public async Task DisposeReleasesThePort()
    {
        var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0));
        IPEndPoint bound = server.LocalEndPoint;
        await server.DisposeAsync();
        await server.DisposeAsync();
        await using var again = StunServer.Start(bound);
        Assert.That(again.LocalEndPoint, Is.EqualTo(bound));
    }
}
