namespace Beryl.Media.Jitter;

/// <summary>
/// Measures how much the network delay varies: a window of recent relative delays (arrival time minus send time
/// implied by the RTP timestamp), whose spread from the smallest to a high quantile is the delay the playout
/// must absorb; plus RFC 3550 interarrival jitter for reporting. Playout thread only; no allocation after construction.
/// </summary>
/// <remarks>
/// A stream's first second is its worst (the sender and the path warm up: compilation, first bursts), so the window
/// grows with the stream: it spans the newer half of the packets seen, never fewer than a second's worth, until it
/// is full. A start-up burst then stops holding the target up after a couple of seconds rather than a whole window,
/// before the call has much to say.
/// </remarks>
internal sealed class NetworkDelayEstimator
{
    private const int StartPackets = 50;
    private readonly long[] _window;
    private readonly long[] _sorted;
    private readonly double _quantile;
    private int _count;
    private long _seen;
    private int _next;
    private bool _spreadValid;
    private long _spread;
    private bool _hasTransit;
    private long _lastTransit;

    public NetworkDelayEstimator(int windowPackets, double quantile)
    {
        _window = new long[windowPackets];
        _sorted = new long[windowPackets];
        _quantile = quantile;
    }

    /// <summary>Interarrival jitter (RFC 3550 A.8), in microseconds.</summary>
    public double JitterMicroseconds { get; private set; }

    /// <summary>Accounts one packet's relative delay (any fixed origin), in microseconds.</summary>
    public void Add(long relativeDelayMicroseconds)
    {
        _window[_next] = relativeDelayMicroseconds;
        _next = (_next + 1) % _window.Length;
        _count = Math.Min(_count + 1, _window.Length);
        _seen++;
        _spreadValid = false;

        if (_hasTransit)
            JitterMicroseconds += (Math.Abs(relativeDelayMicroseconds - _lastTransit) - JitterMicroseconds) / 16.0;
        _lastTransit = relativeDelayMicroseconds;
        _hasTransit = true;
    }

    /// <summary>The chosen quantile of the window's relative delays minus their minimum, in microseconds (0 when empty).</summary>
    public long SpreadMicroseconds()
    {
        if (_spreadValid)
            return _spread;
        _spreadValid = true;
        if (_count == 0)
            return _spread = 0;
        int count = (int)Math.Min(_count, Math.Max(Math.Min(StartPackets, _window.Length), _seen / 2));
        Span<long> sorted = _sorted.AsSpan(0, count);
        for (int i = 0; i < count; i++)
            sorted[i] = _window[(_next - 1 - i + _window.Length) % _window.Length];
        sorted.Sort();
        int index = Math.Min(count - 1, (int)Math.Ceiling(_quantile * count) - 1);
        return _spread = sorted[Math.Max(0, index)] - sorted[0];
    }

    /// <summary>Forgets everything (a new stream has a new timestamp origin).</summary>
    public void Reset()
    {
        _count = 0;
        _seen = 0;
        _next = 0;
        _spreadValid = false;
        _hasTransit = false;
        JitterMicroseconds = 0;
    }
}
