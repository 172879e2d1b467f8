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
    private readonly long[] _recent;
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
        _recent = new long[windowPackets];
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
        Span<long> recent = _recent.AsSpan(0, count);
        long smallest = long.MaxValue;
        for (int i = 0; i < count; i++)
        {
            long delay = _window[(_next - 1 - i + _window.Length) % _window.Length];
            recent[i] = delay;
            smallest = Math.Min(smallest, delay);
        }
        int index = Math.Max(0, Math.Min(count - 1, (int)Math.Ceiling(_quantile * count) - 1));
        return _spread = Select(recent, index) - smallest;
    }

    /// <summary>
    /// The value that would sit at <paramref name="index"/> were <paramref name="values"/> sorted (which it partly
    /// becomes). Quickselect: every arriving packet asks for the spread, and a full sort of the window per packet was a
    /// visible share of a loaded node's time.
    /// </summary>
    internal static long Select(Span<long> values, int index)
    {
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            long pivot = MedianOfThree(values[lo], values[lo + (hi - lo) / 2], values[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i > j)
                    break;
                (values[i], values[j]) = (values[j], values[i]);
                i++;
                j--;
            }
            if (index <= j)
                hi = j;
            else if (index >= i)
                lo = i;
            else
                break;
        }
        return values[index];

        static long MedianOfThree(long a, long b, long c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
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
