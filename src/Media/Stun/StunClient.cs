using System.Net;
using System.Net.Sockets;

namespace Beryl.Media.Stun;

/// <summary>A STUN Binding client: learns the server-reflexive address of a UDP socket (RFC 8489 section 6.2).</summary>
public static class StunClient
{
    private const int BufferLength = 1500;

    /// <summary>
    /// Sends a Binding request from <paramref name="socket"/> to <paramref name="server"/>, retransmitting per
    /// <paramref name="retransmission"/>, and returns the reflexive address from the matching success response,
    /// or null when the server answers with an error or not at all. Datagrams that are not the answer are dropped,
    /// so do not share the socket with another reader while this runs.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<IPEndPoint?> QueryMappedAddressAsync(
        Socket socket, IPEndPoint server, StunRetransmission? retransmission = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(server);
        retransmission ??= StunRetransmission.Default;
        var transactionId = StunTransactionId.NewRandom();
        byte[] request = new byte[StunWire.HeaderLength + 8];
        var writer = new StunMessageWriter(request, StunMessageClass.Request, StunMethod.Binding, transactionId);
        writer.AddFingerprint();
        byte[] receiveBuffer = new byte[BufferLength];
        var from = new SocketAddress(server.AddressFamily);

        for (int transmission = 1; transmission <= retransmission.MaxTransmissions; transmission++)
        {
            await socket.SendToAsync(request, SocketFlags.None, server, cancellationToken).ConfigureAwait(false);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(retransmission.WaitAfter(transmission));
            while (true)
            {
                int received;
                try
                {
                    received = await socket.ReceiveFromAsync(receiveBuffer, SocketFlags.None, from, attempt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (SocketException)
                {
                    // ICMP errors from earlier sends surface here on some platforms; keep waiting for the answer.
                    continue;
                }
                if (TryReadAnswer(receiveBuffer.AsSpan(0, received), transactionId, out IPEndPoint? mapped))
                    return mapped;
            }
        }
        return null;
    }

    // True when the datagram is the answer to our transaction; mapped is null for an error response.
    private static bool TryReadAnswer(ReadOnlySpan<byte> datagram, StunTransactionId transactionId, out IPEndPoint? mapped)
    {
        mapped = null;
        if (!StunMessage.TryParse(datagram, out StunMessage message) || message.TransactionId != transactionId
            || message.Method != StunMethod.Binding || message.Class is StunMessageClass.Request or StunMessageClass.Indication)
            return false;
        if (message.Class == StunMessageClass.SuccessResponse
            && (message.TryGetXorMappedAddress(out IPEndPoint address) || message.TryGetMappedAddress(out address)))
            mapped = address;
        return true;
    }
}
