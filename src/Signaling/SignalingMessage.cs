using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Beryl.Media.Node;
using Beryl.Media.WebRtc;

namespace Beryl.Signaling;

/// <summary>The kinds of signaling message.</summary>
public enum SignalingMessageType
{
    /// <summary><c>{"type":"offer","sdp":"…"}</c>: a session description offering a call.</summary>
    Offer,

    /// <summary><c>{"type":"answer","sdp":"…"}</c>: the answer to an offer.</summary>
    Answer,

    /// <summary>
    /// <c>{"type":"candidate","candidate":"candidate:…","sdpMid":"0","sdpMLineIndex":0}</c>: a trickled ICE candidate; an
    /// empty or null <c>candidate</c> ends the candidates.
    /// </summary>
    Candidate,

    /// <summary><c>{"type":"offer-request"}</c>: the caller asks the node to make the offer.</summary>
    OfferRequest,

    /// <summary><c>{"type":"bye","reason":"…"}</c>: the call is over (either side may send it).</summary>
    Bye,

    /// <summary><c>{"type":"error","message":"…"}</c>: the last message was refused; the connection stays open.</summary>
    Error,

    /// <summary><c>{"type":"stats","session":{…}}</c>: the node's statistics of the call, once a second.</summary>
    Stats,
}

/// <summary>
/// One signaling message, shaped like the browser's <c>RTCSessionDescriptionInit</c> and <c>RTCIceCandidateInit</c>.
/// Parsing is strict and never throws: anything else gets a reason to send back as an error.
/// </summary>
public sealed record SignalingMessage
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow };

    // The "type" of each message on the wire, in the order of SignalingMessageType.
    private static readonly string[] WireNames = ["offer", "answer", "candidate", "offer-request", "bye", "error", "stats"];

    /// <summary>What the message is.</summary>
    public required SignalingMessageType Type { get; init; }

    /// <summary>The SDP of an offer or answer.</summary>
    public string? Sdp { get; init; }

    /// <summary>The candidate of a candidate message; null for end-of-candidates.</summary>
    public RTCIceCandidateInit? Candidate { get; init; }

    /// <summary>The text of an error, or the reason of a bye.</summary>
    public string? Text { get; init; }

    /// <summary>The statistics a stats message carries (for writing only; a parsed stats message has none).</summary>
    public NodeSessionStatistics? Statistics { get; init; }

    /// <summary>An offer carrying <paramref name="sdp"/>.</summary>
    public static SignalingMessage Offer(string sdp) => new() { Type = SignalingMessageType.Offer, Sdp = sdp };

    /// <summary>An answer carrying <paramref name="sdp"/>.</summary>
    public static SignalingMessage Answer(string sdp) => new() { Type = SignalingMessageType.Answer, Sdp = sdp };

    /// <summary>A trickled candidate, or end-of-candidates for null.</summary>
    public static SignalingMessage ForCandidate(RTCIceCandidateInit? candidate) => new() { Type = SignalingMessageType.Candidate, Candidate = candidate };

    /// <summary>An error with its message.</summary>
    public static SignalingMessage Error(string message) => new() { Type = SignalingMessageType.Error, Text = message };

    /// <summary>The end of the call, with its reason.</summary>
    public static SignalingMessage Bye(string reason) => new() { Type = SignalingMessageType.Bye, Text = reason };

    /// <summary>
    /// Parses one message from UTF-8 JSON text.
    /// </summary>
    /// <param name="utf8">The message text.</param>
    /// <param name="message">The message, or null.</param>
    /// <param name="error">Why the text is not a message, worded for the sender; or null.</param>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out SignalingMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            error = "the message is empty";
            return false;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), DocumentOptions);
        }
        catch (JsonException e)
        {
            error = $"the message is not JSON ({e.Message.Split(". ")[0]})";
            return false;
        }
        using (document)
            return TryRead(document.RootElement, out message, out error);
    }

    /// <summary>Parses one message from JSON text.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out SignalingMessage? message, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(Encoding.UTF8.GetBytes(text), out message, out error);
    }

    private static bool TryRead(JsonElement root, [NotNullWhen(true)] out SignalingMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "a message must be a JSON object";
            return false;
        }
        if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            error = "a message needs a string \"type\"";
            return false;
        }
        string type = typeElement.GetString()!;
        int known = Array.IndexOf(WireNames, type);
        if (known < 0)
        {
            error = $"unknown message type \"{Truncate(type)}\" (expected {string.Join(", ", WireNames)})";
            return false;
        }
        switch ((SignalingMessageType)known)
        {
            case SignalingMessageType.Offer:
            case SignalingMessageType.Answer:
                if (!TryGetString(root, "sdp", required: true, out string? sdp, out error))
                    return false;
                if (string.IsNullOrWhiteSpace(sdp))
                {
                    error = $"the {type}'s \"sdp\" is empty";
                    return false;
                }
                message = new SignalingMessage { Type = (SignalingMessageType)known, Sdp = sdp };
                return true;
            case SignalingMessageType.Candidate:
                return TryReadCandidate(root, out message, out error);
            case SignalingMessageType.Bye:
                if (!TryGetString(root, "reason", required: false, out string? reason, out error))
                    return false;
                message = Bye(reason ?? "");
                return true;
            case SignalingMessageType.Error:
                if (!TryGetString(root, "message", required: true, out string? text, out error))
                    return false;
                message = Error(text!);
                return true;
            default:
                message = new SignalingMessage { Type = (SignalingMessageType)known };
                error = null;
                return true;
        }
    }

    private static bool TryReadCandidate(JsonElement root, [NotNullWhen(true)] out SignalingMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (!TryGetString(root, "candidate", required: false, out string? candidate, out error)
            || !TryGetString(root, "sdpMid", required: false, out string? mid, out error)
            || !TryGetString(root, "usernameFragment", required: false, out string? ufrag, out error))
            return false;
        int? index = null;
        if (root.TryGetProperty("sdpMLineIndex", out var indexElement) && indexElement.ValueKind != JsonValueKind.Null)
        {
            if (indexElement.ValueKind != JsonValueKind.Number || !indexElement.TryGetInt32(out int value) || value < 0 || value > 1023)
            {
                error = "\"sdpMLineIndex\" must be a small non-negative integer or null";
                return false;
            }
            index = value;
        }
        message = ForCandidate(string.IsNullOrEmpty(candidate)
            ? null
            : new RTCIceCandidateInit { candidate = candidate, sdpMid = mid, sdpMLineIndex = index, usernameFragment = ufrag });
        return true;
    }

    private static bool TryGetString(JsonElement root, string name, bool required, out string? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required)
                error = $"the message needs a string \"{name}\"";
            return !required;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"\"{name}\" must be a string, not {element.ValueKind.ToString().ToLowerInvariant()}";
            return false;
        }
        value = element.GetString();
        return true;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>Writes the message as JSON (the form <see cref="TryParse(ReadOnlySpan{byte}, out SignalingMessage?, out string?)"/> reads).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("type", WireNames[(int)Type]);
        switch (Type)
        {
            case SignalingMessageType.Offer:
            case SignalingMessageType.Answer:
                writer.WriteString("sdp", Sdp);
                break;
            case SignalingMessageType.Candidate:
                writer.WriteString("candidate", Candidate?.candidate ?? "");
                writer.WriteString("sdpMid", Candidate?.sdpMid);
                if (Candidate?.sdpMLineIndex is { } index)
                    writer.WriteNumber("sdpMLineIndex", index);
                else
                    writer.WriteNull("sdpMLineIndex");
                if (Candidate?.usernameFragment is { } ufrag)
                    writer.WriteString("usernameFragment", ufrag);
                break;
            case SignalingMessageType.Bye:
                writer.WriteString("reason", Text);
                break;
            case SignalingMessageType.Error:
                writer.WriteString("message", Text);
                break;
            case SignalingMessageType.Stats:
                if (Statistics is { } statistics)
                {
                    writer.WritePropertyName("session");
                    NodeStatisticsJson.Write(writer, statistics);
                }
                break;
        }
        writer.WriteEndObject();
    }

    /// <summary>The message as UTF-8 JSON.</summary>
    public byte[] ToUtf8()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
            WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => Encoding.UTF8.GetString(ToUtf8());
}
