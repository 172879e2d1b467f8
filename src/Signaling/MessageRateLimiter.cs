using System.Diagnostics;

namespace Beryl.Signaling;

/// <summary>A token bucket: <c>rate</c> messages a second on average, up to <c>burst</c> at once. One reader only.</summary>
internal sealed class MessageRateLimiter(double rate, int burst, Func<long>? clock = null)
{
    private readonly Func<long> _clock = clock ?? Stopwatch.GetTimestamp;
    private double _tokens = burst;
    private long _last = (clock ?? Stopwatch.GetTimestamp)();

    /// <summary>Takes a token if there is one.</summary>
    public bool TryAcquire()
    {
        long now = _clock();
        _tokens = Math.Min(burst, _tokens + (now - _last) * rate / Stopwatch.Frequency);
        _last = now;
        if (_tokens < 1)
            return false;
        _tokens -= 1;
        return true;
    }
}
