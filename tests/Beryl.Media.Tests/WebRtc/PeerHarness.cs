using Beryl.Media.Codecs;
using Beryl.Media.Rtp;
using Beryl.Media.Sdp;
using Beryl.Media.Tests.Interop;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Tests.WebRtc;

/// <summary>A Beryl peer for tests: loopback only, short timeouts, and a recorder of the PCMU audio it receives.</summary>
internal sealed class PeerHarness : IAsyncDisposable
{
    private readonly List<(uint Timestamp, short[] Samples)> _received = [];
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The harness sends and records PCMU, so it does not offer Opus even when libopus is installed.
    private static readonly SdpCodec[] G711Codecs = [SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.TelephoneEvent8000];

    public PeerHarness(RTCConfiguration? configuration = null)
    {
        Connection = new RTCPeerConnection(configuration ?? new RTCConfiguration { LoopbackOnly = true, AudioCodecs = G711Codecs });
        Connection.onconnectionstatechange += state =>
        {
            if (state == RTCPeerConnectionState.connected)
                _connected.TrySetResult();
            else if (state is RTCPeerConnectionState.failed)
                _failed.TrySetResult();
        };
        Connection.OnRtpPacketReceived += OnRtp;
    }

    public RTCPeerConnection Connection { get; }

    /// <summary>Without trickle: each description carries every candidate.</summary>
    public static async Task NegotiateWholeAsync(RTCPeerConnection offerer, RTCPeerConnection answerer, TimeSpan timeout)
    {
        await offerer.setLocalDescription(offerer.createOffer());
        await offerer.WaitForGatheringCompleteAsync(timeout);
        AssertOk(answerer.setRemoteDescription(offerer.localDescription!));
        await answerer.setLocalDescription(answerer.createAnswer());
        await answerer.WaitForGatheringCompleteAsync(timeout);
        AssertOk(offerer.setRemoteDescription(answerer.localDescription!));
    }

    public static void AssertOk(SetDescriptionResult result) => Assert.That(result.IsSuccess, Is.True, result.Error);

    public Task Failed => _failed.Task;

    public async Task WaitConnectedAsync(TimeSpan timeout)
    {
        Task done = await Task.WhenAny(_connected.Task, _failed.Task, Task.Delay(timeout));
        if (done != _connected.Task)
            Assert.Fail($"not connected: connection {Connection.connectionState}, ICE {Connection.iceConnectionState}");
    }

    private void OnRtp(in RtpHeader header, ReadOnlySpan<byte> payload)
    {
        var samples = new short[payload.Length];
        if (header.PayloadType == 0)
            G711.DecodeMuLaw(payload, samples);
        else if (header.PayloadType == 8)
            G711.DecodeALaw(payload, samples);
        else
            return;
        lock (_received)
            _received.Add((header.Timestamp, samples));
    }

    /// <summary>The received audio in timestamp order, with missing packets left silent.</summary>
    public short[] ReceivedAudio()
    {
        lock (_received)
        {
            if (_received.Count == 0)
                return [];
            uint first = _received[0].Timestamp;
            int end = _received.Max(p => (int)(p.Timestamp - first) + p.Samples.Length);
            var audio = new short[Math.Min(end, InteropSignal.SampleRate * 60)];
            foreach (var (timestamp, samples) in _received)
            {
                int offset = (int)(timestamp - first);
                if (offset >= 0 && offset + samples.Length <= audio.Length)
                    samples.CopyTo(audio, offset);
            }
            return audio;
        }
    }

    /// <summary>Sends the interop test signal as PCMU, 20 ms a packet, paced by a timer, for <paramref name="duration"/>.</summary>
    public async Task SendSignalAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var frame = new short[InteropSignal.FrameSamples];
        var payload = new byte[InteropSignal.FrameSamples];
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        long sent = 0;
        long total = (long)(duration.TotalSeconds * InteropSignal.SampleRate);
        while (sent < total && await timer.WaitForNextTickAsync(cancellationToken))
        {
            InteropSignal.Fill(frame, sent);
            G711.EncodeMuLaw(frame, payload);
            Connection.SendAudio(InteropSignal.FrameSamples, payload);
            sent += frame.Length;
        }
    }

    public static void AssertSignal(short[] received, string what)
    {
        var (correlation, rms) = InteropSignal.Analyse(received, InteropSignal.SampleRate / 2);
        double levelDb = 20 * Math.Log10(Math.Max(rms, 1e-3) / InteropSignal.ReferenceRms);
        Assert.Multiple(() =>
        {
            Assert.That(correlation, Is.GreaterThan(0.9), $"{what}: correlation with the test signal ({received.Length} samples)");
            Assert.That(levelDb, Is.InRange(-3.0, 3.0), $"{what}: level against the test signal, dB");
        });
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
