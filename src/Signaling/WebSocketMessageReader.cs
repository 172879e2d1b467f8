using System.Net.WebSockets;

namespace Beryl.Signaling;

/// <summary>One whole WebSocket message: its type, its bytes (valid until the next read), and whether it was too long to keep.</summary>
/// <param name="Type">Text, binary, or close (the peer closed; nothing else is set).</param>
/// <param name="Data">The message's bytes; empty when <paramref name="TooLarge"/>.</param>
/// <param name="TooLarge">The message was longer than the reader keeps: it was read to its end and dropped.</param>
internal readonly record struct WebSocketMessage(WebSocketMessageType Type, ReadOnlyMemory<byte> Data, bool TooLarge);

/// <summary>
/// Reads a WebSocket one whole message at a time into a buffer of the largest size accepted. A longer message is read
/// to its end and dropped, so that the connection stays in step and the reader can say what was wrong.
/// </summary>
internal sealed class WebSocketMessageReader(WebSocket socket, int maxMessageBytes)
{
    private readonly byte[] _buffer = new byte[maxMessageBytes];
    private readonly byte[] _discard = new byte[4096];

    public async ValueTask<WebSocketMessage> ReadAsync(CancellationToken cancellationToken)
    {
        int length = 0;
        bool tooLarge = false;
        ValueWebSocketReceiveResult result;
        do
        {
            if (!tooLarge && length == _buffer.Length)
                tooLarge = true;
            result = await socket.ReceiveAsync(tooLarge ? _discard.AsMemory() : _buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
                return new WebSocketMessage(WebSocketMessageType.Close, default, false);
            if (!tooLarge)
                length += result.Count;
        }
        while (!result.EndOfMessage);
        return new WebSocketMessage(result.MessageType, tooLarge ? default : _buffer.AsMemory(0, length), tooLarge);
    }
}
