using System.Diagnostics.Metrics;

namespace Beryl.Media.Node;

/// <summary>
/// The node's metrics under the meter <c>Beryl.Node</c>, for <c>dotnet-counters</c> or any OpenTelemetry exporter: calls
/// active and started, packets, the audio threads' load and encoder complexity, and per connected session its loss,
/// jitter, echo attenuation and echo delay.
/// </summary>
internal sealed class NodeMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Beryl.Node";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _callsStarted, _callsEnded;
    private long _endedPacketsSent, _endedPacketsReceived;

    public NodeMetrics(Func<IEnumerable<NodeSession>> sessions, Func<double> audioLoad, Func<int> encoderComplexity)
    {
        _meter.CreateObservableGauge("beryl.node.audio.load", audioLoad, "1", "The busiest audio thread's share of its ticks spent running calls.");
        _meter.CreateObservableGauge("beryl.node.encoder.complexity", encoderComplexity, "1", "The lowest Opus complexity the audio threads' load allows now.");
        _callsStarted = _meter.CreateCounter<long>("beryl.node.calls.started", "{call}", "Calls that connected.");
        _callsEnded = _meter.CreateCounter<long>("beryl.node.calls.ended", "{call}", "Sessions that ended, tagged with whether they had connected.");
        _meter.CreateObservableGauge("beryl.node.calls.active", () => sessions().Count(s => s.State == NodeSessionState.Connected), "{call}", "Calls carrying audio.");
        _meter.CreateObservableCounter("beryl.node.rtp.packets_sent", () => Volatile.Read(ref _endedPacketsSent) + sessions().Sum(s => s.GetStatistics().Peer.Audio.PacketsSent), "{packet}");
        _meter.CreateObservableCounter("beryl.node.rtp.packets_received", () => Volatile.Read(ref _endedPacketsReceived) + sessions().Sum(s => s.GetStatistics().Peer.Audio.PacketsReceived), "{packet}");
        _meter.CreateObservableGauge("beryl.node.rtp.loss_ratio", () => PerSession(sessions(), s => s.Peer.Audio.LossFraction));
        _meter.CreateObservableGauge("beryl.node.rtp.jitter", () => PerSession(sessions(), s => s.Peer.Audio.JitterMs), "ms");
        _meter.CreateObservableGauge("beryl.node.aec.erle", () => PerSession(sessions(), s => s.EchoCanceller?.ErleDb ?? double.NaN), "dB");
        _meter.CreateObservableGauge("beryl.node.aec.delay", () => PerSession(sessions(), s => s.EchoCanceller?.DelayMs ?? double.NaN), "ms");
    }

    public void CallStarted() => _callsStarted.Add(1);

    public void SessionEnded(NodeSessionStatistics closing)
    {
        Interlocked.Add(ref _endedPacketsSent, closing.Peer.Audio.PacketsSent);
        Interlocked.Add(ref _endedPacketsReceived, closing.Peer.Audio.PacketsReceived);
        _callsEnded.Add(1, new KeyValuePair<string, object?>("connected", closing.Codec is not null));
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<double>> PerSession(IEnumerable<NodeSession> sessions, Func<NodeSessionStatistics, double> figure)
    {
        foreach (var session in sessions)
        {
            if (session.State != NodeSessionState.Connected)
                continue;
            double value = figure(session.GetStatistics());
            if (double.IsFinite(value))
                yield return new Measurement<double>(value, new KeyValuePair<string, object?>("session", session.Id));
        }
    }
}
