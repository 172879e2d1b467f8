using Beryl.Media.Node;
using Beryl.Media.WebRtc;
using Microsoft.AspNetCore.Http;

namespace Beryl.Signaling;

/// <summary>
/// <c>POST /offer</c>: an offer with all its candidates in the SDP, answered with the node's answer and all of its
/// candidates (the contract of the webrtc-echoes interop suite). Errors come back as <c>{"type":"error"}</c> with a 4xx
/// or 5xx status.
/// </summary>
internal static class OfferEndpoint
{
    public static async Task HandleAsync(HttpContext context, MediaNode node, SignalingLimits limits, AddressSessionCounter perAddress)
    {
        var address = SignalingServer.RemoteAddress(context);
        if (!perAddress.TryOpen(address, out var lease))
        {
            await SignalingServer.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, $"too many sessions from {address}").ConfigureAwait(false);
            return;
        }
        bool handedOver = false;
        try
        {
            var body = await ReadBodyAsync(context, limits.MaxMessageBytes).ConfigureAwait(false);
            if (body is null)
            {
                await SignalingServer.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"the offer is larger than {limits.MaxMessageBytes} bytes").ConfigureAwait(false);
                return;
            }
            if (!SignalingMessage.TryParse(body, out var message, out string? error))
            {
                await SignalingServer.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
                return;
            }
            if (message.Type != SignalingMessageType.Offer)
            {
                await SignalingServer.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "POST /offer takes {\"type\":\"offer\",\"sdp\":\"…\"}").ConfigureAwait(false);
                return;
            }
            if (!node.TryCreateSession(address, out var call, out error))
            {
                await SignalingServer.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, error).ConfigureAwait(false);
                return;
            }
            var result = call.Peer.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.offer, sdp = message.Sdp! });
            if (!result.IsSuccess)
            {
                await call.CloseAsync("the offer was refused").ConfigureAwait(false);
                await SignalingServer.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"the offer was refused: {result.Error}").ConfigureAwait(false);
                return;
            }
            await call.Peer.setLocalDescription(call.Peer.createAnswer()).ConfigureAwait(false);
            try
            {
                await call.Peer.WaitForGatheringCompleteAsync(limits.GatheringTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The answer goes out with the candidates gathered so far; ICE may still succeed with them.
            }
            // The address's share is held until the call ends, not just for this request.
            handedOver = true;
            _ = call.Finished.ContinueWith(_ => lease!.Dispose(), TaskScheduler.Default);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(SignalingMessage.Answer(call.Peer.localDescription!.sdp).ToUtf8()).ConfigureAwait(false);
        }
        finally
        {
            if (!handedOver)
                lease!.Dispose();
        }
    }

    // Null when the body is over the limit; Kestrel's own limit refuses a declared length over it before we read.
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                    return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
        return buffer.ToArray();
    }
}
