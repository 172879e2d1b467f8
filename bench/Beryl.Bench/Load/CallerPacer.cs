using Beryl.Bench.Frames;
using Beryl.Media.Audio;
using Beryl.Media.Codecs.Opus;
using Beryl.Media.Engine;

namespace Beryl.Bench.Load;

/// <summary>
/// The callers' only audio thread: every 20 ms it sends every caller its next Opus packet. The speech-like signal is
/// encoded once, so a hundred callers cost the generator SRTP and sockets, not a hundred encoders.
/// </summary>
internal sealed class CallerPacer : IDisposable
{
    private readonly byte[][] _packets;
    private readonly FramePacer _pacer = new(TimeSpan.FromMilliseconds(20));
    private readonly Thread _thread;
    private readonly Lock _changing = new();
    private volatile LoadCaller[] _callers = [];
    private volatile bool _stopping;

    public CallerPacer(byte[][] packets)
    {
        _packets = packets;
        _thread = new Thread(Run) { Name = "beryl-load-pacer", IsBackground = true, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>20 ms ticks that started more than 20 ms late: the generator itself was starved of CPU.</summary>
    public long LateTicks => _pacer.LateFrames;

    public void Add(LoadCaller caller)
    {
        lock (_changing)
            _callers = [.. _callers, caller];
    }

    /// <summary>Stops sending to every caller (they are about to hang up).</summary>
    public void Clear()
    {
        lock (_changing)
            _callers = [];
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }

    private void Run()
    {
        for (long tick = 0; !_stopping; tick++)
        {
            _pacer.WaitForNextFrame();
            var packet = _packets[tick % _packets.Length];
            foreach (var caller in _callers)
                caller.Send(packet);
        }
    }

    /// <summary>4 s of voiced syllables, fricatives and pauses at 32 kbit/s, as a talker's browser would send them.</summary>
    public static byte[][] EncodeSpeech()
    {
        var format = new AudioFormat(48000, 1);
        var speech = BenchSignals.Create(format.SampleRate, 1, 1, seconds: 4).Far;
        using var encoder = new OpusEncoder(format, 20);
        var payload = new byte[1500];
        var packets = new byte[speech.Length / encoder.FrameSize][];
        for (int i = 0; i < packets.Length; i++)
            packets[i] = payload[..encoder.Encode(speech.AsSpan(i * encoder.FrameSize, encoder.FrameSize), payload)];
        return packets;
    }
}
