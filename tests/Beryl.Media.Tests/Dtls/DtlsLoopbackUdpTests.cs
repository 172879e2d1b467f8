using System.Net;
using System.Net.Sockets;
using Beryl.Media.Dtls;

namespace Beryl.Media.Tests.Dtls;

/// <summary>The handshake over real UDP sockets on 127.0.0.1, each side's socket owned outside the transport as ICE would own it.</summary>
[TestFixture]
public sealed class DtlsLoopbackUdpTests
{
    private sealed class LoopbackEndpoint : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly CancellationTokenSource _stop = new();
        private Task? _receiving;

        public LoopbackEndpoint() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

        public IPEndPoint? Remote { get; set; }

        public void Send(ReadOnlyMemory<byte> datagram) => _socket.SendTo(datagram.Span, SocketFlags.None, Remote!);

        public void StartReceiving(DtlsTransport transport) => _receiving = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            try
            {
                while (true)
                {
                    int received = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (DtlsTransport.IsDtlsDatagram(buffer.AsSpan(0, received)))
                        transport.DeliverDatagram(buffer.AsSpan(0, received));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        public void Dispose()
        {
            _stop.Cancel();
            _receiving?.Wait(TimeSpan.FromSeconds(5));
            _socket.Dispose();
            _stop.Dispose();
        }
    }

    [Test]
    public async Task Handshake_OverLoopbackUdp_DerivesMatchingKeys()
    {
        using var clientSocket = new LoopbackEndpoint();
        using var serverSocket = new LoopbackEndpoint();
        clientSocket.Remote = serverSocket.LocalEndPoint;
        serverSocket.Remote = clientSocket.LocalEndPoint;
        Assert.That(IPAddress.IsLoopback(clientSocket.Remote.Address) && IPAddress.IsLoopback(serverSocket.Remote.Address), Is.True);

        using var client = new DtlsTransport(TestIdentities.Client, DtlsRole.Client, clientSocket.Send, DtlsTestPair.Options());
        using var server = new DtlsTransport(TestIdentities.Server, DtlsRole.Server, serverSocket.Send, DtlsTestPair.Options());
        client.SetRemoteFingerprint(TestIdentities.Server.Fingerprint);
        server.SetRemoteFingerprint(TestIdentities.Client.Fingerprint);
        clientSocket.StartReceiving(client);
        serverSocket.StartReceiving(server);

        var serverKeys = server.HandshakeAsync();
        var clientKeys = await client.HandshakeAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var serverResult = await serverKeys.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(clientKeys.LocalKeys.MasterKey.ToArray(), Is.EqualTo(serverResult.RemoteKeys.MasterKey.ToArray()));
        Assert.That(clientKeys.LocalKeys.MasterSalt.ToArray(), Is.EqualTo(serverResult.RemoteKeys.MasterSalt.ToArray()));
        Assert.That(clientKeys.RemoteKeys.MasterKey.ToArray(), Is.EqualTo(serverResult.LocalKeys.MasterKey.ToArray()));

        var serverClosed = new TaskCompletionSource<DtlsTransportState>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.StateChanged += (_, state) => serverClosed.TrySetResult(state);
        client.Close();
        Assert.That(await serverClosed.Task.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(DtlsTransportState.Closed));
    }
}
