using System.Text;
using System.Text.Json;

namespace Beryl.Media.Node;

/// <summary>
/// A session's statistics as JSON, for <c>call.json</c> and for the statistics signaling sends to the caller: the
/// figures a person reads (state, codec, packets, loss, jitter, round-trip time, the jitter buffer and the canceller).
/// </summary>
public static class NodeStatisticsJson
{
    /// <summary>Writes <paramref name="statistics"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, NodeSessionStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(statistics);
        writer.WriteStartObject();
        writer.WriteString("id", statistics.Id);
        writer.WriteString("state", statistics.State.ToString().ToLowerInvariant());
        writer.WriteString("codec", statistics.Codec);
        writer.WriteString("partner", statistics.PartnerId);
        writer.WriteNumber("seconds", Math.Round(statistics.Age.TotalSeconds, 1));
        writer.WriteString("endReason", statistics.EndReason);

        var audio = statistics.Peer.Audio;
        writer.WriteStartObject("rtp");
        writer.WriteNumber("packetsSent", audio.PacketsSent);
        writer.WriteNumber("packetsReceived", audio.PacketsReceived);
        writer.WriteNumber("packetsLost", audio.PacketsLost);
        writer.WriteNumber("jitterMs", Math.Round(audio.JitterMs, 2));
        if (audio.RoundTripTime is { } rtt)
            writer.WriteNumber("rttMs", Math.Round(rtt.TotalMilliseconds, 1));
        else
            writer.WriteNull("rttMs");
        writer.WriteNumber("dropped", audio.AuthenticationFailures + audio.Replays + audio.Malformed + audio.UnknownPayloadType + audio.SourcesRefused);
        writer.WriteEndObject();

        if (statistics.JitterBuffer is { } jitter)
        {
            writer.WriteStartObject("jitterBuffer");
            writer.WriteNumber("delayMs", Math.Round(jitter.CurrentDelayMs, 1));
            writer.WriteNumber("targetDelayMs", Math.Round(jitter.TargetDelayMs, 1));
            writer.WriteNumber("lost", jitter.Lost);
            writer.WriteNumber("late", jitter.Late);
            writer.WriteNumber("concealedMs", Math.Round(jitter.ConcealedMs, 1));
            writer.WriteNumber("fecRecovered", jitter.FecRecoveredFrames);
            writer.WriteEndObject();
        }
        if (statistics.EchoCanceller is { } aec)
        {
            writer.WriteStartObject("echoCanceller");
            writer.WriteNumber("erleDb", Finite(aec.ErleDb));
            writer.WriteNumber("linearErleDb", Finite(aec.LinearErleDb));
            writer.WriteNumber("delayMs", Finite(aec.DelayMs));
            writer.WriteNumber("delayConfidence", Finite(aec.DelayConfidence));
            writer.WriteNumber("driftPpm", Finite(aec.DriftPpm));
            writer.WriteBoolean("doubleTalk", aec.DoubleTalk);
            writer.WriteBoolean("farEndActive", aec.FarEndActive);
            writer.WriteNumber("framesProcessed", aec.FramesProcessed);
            writer.WriteEndObject();
        }
        writer.WriteNumber("audioErrors", statistics.AudioErrors);
        writer.WriteString("lastAudioError", statistics.LastAudioError);
        if (statistics.RecordingDirectory is not null)
            writer.WriteNumber("recordingDroppedFrames", statistics.RecordingDroppedFrames);
        writer.WriteEndObject();
    }

    /// <summary>The JSON text of <paramref name="statistics"/>, indented.</summary>
    public static string Serialize(NodeSessionStatistics statistics) => Indented(writer => Write(writer, statistics));

    /// <summary>The JSON text of a list of sessions' statistics, as one indented array.</summary>
    public static string Serialize(IEnumerable<NodeSessionStatistics> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        return Indented(writer =>
        {
            writer.WriteStartArray();
            foreach (var statistics in sessions)
                Write(writer, statistics);
            writer.WriteEndArray();
        });
    }

    private static string Indented(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            write(writer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    // JSON has no NaN or infinity; a figure not known yet is written as 0.
    private static double Finite(double value) => double.IsFinite(value) ? Math.Round(value, 2) : 0;
}
