using System.Net;
using System.Net.Sockets;

namespace Beryl.Media.Tests.Stun;

/// <summary>Raw UDP on 127.0.0.1 for tests that play a peer or a server by hand.</summary>
internal static class LoopbackUdp
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static Socket Bind()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Sends <paramref name="request"/> and returns the next datagram the socket receives.</summary>
    public static async Task<byte[]> ExchangeAsync(Socket socket, IPEndPoint target, byte[] request)
    {
        await socket.SendToAsync(request, SocketFlags.None, target);
        return await ReceiveAsync(socket);
    }

    public static async Task<byte[]> ReceiveAsync(Socket socket)
    {
        byte[] buffer = new byte[1500];
        using var timeout = new CancellationTokenSource(Timeout);
        SocketReceiveFromResult result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return buffer.AsSpan(0, result.ReceivedBytes).ToArray();
    }
}
