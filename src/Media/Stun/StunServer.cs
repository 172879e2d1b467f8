using System.Net;
using System.Net.Sockets;

namespace Beryl.Media.Stun;

/// <summary>
/// A minimal UDP STUN Binding server (RFC 8489): answers Binding requests with XOR-MAPPED-ADDRESS,
/// malformed requests with 400 and requests carrying unknown comprehension-required attributes with 420.
/// Everything else is dropped and counted.
/// </summary>
public sealed class StunServer : IAsyncDisposable
{
    private const int BufferLength = 1500;
    private const int MaxReportedUnknownAttributes = 16;
    private const string SoftwareName = "Beryl STUN";

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _answered;
    private long _rejected;
    private long _dropped;

    private StunServer(Socket socket)
    {
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Binds <paramref name="bindEndPoint"/> (port 0 picks a free port) and starts answering.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static StunServer Start(IPEndPoint bindEndPoint)
    {
        ArgumentNullException.ThrowIfNull(bindEndPoint);
        var socket = new Socket(bindEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(bindEndPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new StunServer(socket);
    }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binding requests answered with success.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Requests answered with an error (400 or 420).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Datagrams dropped without an answer (not STUN, not a request).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private async Task ReceiveLoopAsync()
    {
        byte[] receiveBuffer = new byte[BufferLength];
        byte[] sendBuffer = new byte[BufferLength];
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveFromAsync(receiveBuffer, SocketFlags.None, from, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            int answerLength = Answer(receiveBuffer.AsSpan(0, received), from, sendBuffer);
            if (answerLength == 0)
                continue;
            try
            {
                _socket.SendTo(sendBuffer.AsSpan(0, answerLength), SocketFlags.None, from);
            }
            catch (SocketException)
            {
                // The client went away; nothing to do for a connectionless server.
            }
        }
    }

    // Writes the answer into sendBuffer and returns its length, or 0 to stay silent.
    private int Answer(ReadOnlySpan<byte> datagram, SocketAddress from, Span<byte> sendBuffer)
    {
        bool parsed = StunMessage.TryParse(datagram, out StunMessage request);
        if (!StunMessage.IsStun(datagram) || (datagram[0] & 0x01) != 0 || (datagram[1] & 0x10) != 0)
        {
            // Not STUN, or not of the request class: never answer, or we could echo an indication storm.
            Interlocked.Increment(ref _dropped);
            return 0;
        }
        var transactionId = StunTransactionId.Read(datagram[8..]);
        if (!parsed || request.Method != StunMethod.Binding)
            return Reject(sendBuffer, transactionId, StunErrorCode.BadRequest, default);
        if (request.UnknownRequiredAttributeCount > 0)
        {
            Span<ushort> unknown = stackalloc ushort[MaxReportedUnknownAttributes];
            int count = request.CopyUnknownRequiredAttributes(unknown);
            return Reject(sendBuffer, transactionId, StunErrorCode.UnknownAttribute, unknown[..count]);
        }
        var writer = new StunMessageWriter(sendBuffer, StunMessageClass.SuccessResponse, StunMethod.Binding, transactionId);
        writer.AddXorMappedAddress(ToEndPoint(from));
        writer.AddSoftware(SoftwareName);
        writer.AddFingerprint();
        Interlocked.Increment(ref _answered);
        return writer.Length;
    }

    private int Reject(Span<byte> sendBuffer, StunTransactionId transactionId, int code, ReadOnlySpan<ushort> unknownAttributes)
    {
        var writer = new StunMessageWriter(sendBuffer, StunMessageClass.ErrorResponse, StunMethod.Binding, transactionId);
        writer.AddErrorCode(code, StunErrorCode.ReasonPhrase(code));
        if (!unknownAttributes.IsEmpty)
            writer.AddUnknownAttributes(unknownAttributes);
        writer.AddSoftware(SoftwareName);
        writer.AddFingerprint();
        Interlocked.Increment(ref _rejected);
        return writer.Length;
    }

    private IPEndPoint ToEndPoint(SocketAddress address) => (IPEndPoint)LocalEndPoint.Create(address);

    /// <summary>Stops answering and releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _socket.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
