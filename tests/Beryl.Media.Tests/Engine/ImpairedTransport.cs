using System.Diagnostics;
using Beryl.Media.Engine;
using Beryl.Media.Rtp;
using Beryl.Media.Sdp;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Tests.Engine;

/// <summary>
/// A bad network on the receive side of a transport: each packet is lost with a fixed probability or held back for an
/// exponentially distributed extra delay (so late packets overtake each other), seeded.
/// </summary>
internal sealed class ImpairedTransport : IAudioTransport, IDisposable
{
    private readonly IAudioTransport _inner;
    private readonly double _lossRate;
    private readonly double _meanJitterTicks;
    private readonly Random _random;
    private readonly PriorityQueue<(RtpHeader Header, byte[] Payload), long> _held = new();
    private readonly Thread _releaser;
    private bool _stopped;

    public ImpairedTransport(IAudioTransport inner, double lossRate, TimeSpan meanJitter, int seed)
    {
        _inner = inner;
        _lossRate = lossRate;
        _meanJitterTicks = meanJitter.TotalSeconds * Stopwatch.Frequency;
        _random = new Random(seed);
        _inner.OnRtpPacketReceived += Hold;
        _releaser = new Thread(Release) { IsBackground = true, Name = "impaired-network" };
        _releaser.Start();
    }

    public long Lost { get; private set; }

    public event RtpPacketHandler? OnRtpPacketReceived;

    public SdpCodec? NegotiatedAudioFormat => _inner.NegotiatedAudioFormat;

    public bool SendAudio(uint durationRtpUnits, ReadOnlySpan<byte> payload) => _inner.SendAudio(durationRtpUnits, payload);

    private void Hold(in RtpHeader header, ReadOnlySpan<byte> payload)
    {
        lock (_held)
        {
            if (_random.NextDouble() < _lossRate)
            {
                Lost++;
                return;
            }
            long due = Stopwatch.GetTimestamp() + (long)(-Math.Log(1 - _random.NextDouble()) * _meanJitterTicks);
            _held.Enqueue((header, payload.ToArray()), due);
            Monitor.Pulse(_held);
        }
    }

    private void Release()
    {
        while (true)
        {
            (RtpHeader Header, byte[] Payload) packet;
            lock (_held)
            {
                while (true)
                {
                    if (_stopped)
                        return;
                    if (_held.TryPeek(out _, out long due))
                    {
                        long wait = due - Stopwatch.GetTimestamp();
                        if (wait <= 0)
                            break;
                        Monitor.Wait(_held, TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
                    }
                    else
                    {
                        Monitor.Wait(_held);
                    }
                }
                packet = _held.Dequeue();
            }
            OnRtpPacketReceived?.Invoke(packet.Header, packet.Payload);
        }
    }

    public void Dispose()
    {
        _inner.OnRtpPacketReceived -= Hold;
        lock (_held)
        {
            _stopped = true;
            Monitor.Pulse(_held);
        }
        _releaser.Join();
    }
}
