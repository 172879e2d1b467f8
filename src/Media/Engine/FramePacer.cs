using System.Diagnostics;

namespace Beryl.Media.Engine;

/// <summary>
/// Paces a thread at one frame (10 ms unless told) per tick against absolute deadlines, as a sound card's clock would. When the
/// thread falls behind (a stall of the scheduler, or of the whole machine), the missed frames are run rather than skipped:
/// simulated rooms and the echo canceller count samples, so skipping would shift their timelines. They are run back to back,
/// or, for a pacer that catches up gently, at twice the pace: a call's render thread that ran them back to back would play out
/// its jitter buffer before the packets held up by the same stall had been received, and the buffer would wait for them.
/// </summary>
internal sealed class FramePacer
{
    private readonly long _ticksPerFrame;
    private readonly bool _gentleCatchUp;
    private readonly Func<long> _now;
    private readonly Action<long> _sleep;
    private readonly long _start;
    private long _frames;
    private long _lastFrameAt;

    /// <summary>Starts the clock now; <paramref name="period"/> is a frame's length, 10 ms by default.</summary>
    /// <param name="period">A frame's length.</param>
    /// <param name="gentleCatchUp">Catch up with missed frames at twice the pace instead of back to back.</param>
    public FramePacer(TimeSpan? period = null, bool gentleCatchUp = false)
        : this(period, gentleCatchUp, Stopwatch.GetTimestamp, static ticks => Thread.Sleep(TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency)), Stopwatch.Frequency)
    {
    }

    /// <summary>A pacer on a clock of <paramref name="frequency"/> ticks a second read by <paramref name="now"/>, which waits with <paramref name="sleep"/>.</summary>
    internal FramePacer(TimeSpan? period, bool gentleCatchUp, Func<long> now, Action<long> sleep, long frequency)
    {
        var frame = period ?? TimeSpan.FromMilliseconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(frame, TimeSpan.Zero, nameof(period));
        _ticksPerFrame = (long)(frame.TotalSeconds * frequency);
        _gentleCatchUp = gentleCatchUp;
        _now = now;
        _sleep = sleep;
        _start = now();
        _lastFrameAt = _start - _ticksPerFrame;
        Period = frame;
    }

    /// <summary>A frame's length.</summary>
    public TimeSpan Period { get; }

    /// <summary>Frames that started more than one frame after their deadline.</summary>
    public long LateFrames { get; private set; }

    /// <summary>Blocks until the next frame is due, or, when it is already overdue, returns at once (or half a frame after the last one, catching up gently).</summary>
    public void WaitForNextFrame()
    {
        long due = _start + _frames * _ticksPerFrame;
        _frames++;
        long now = _now();
        if (due > now)
        {
            _sleep(due - now);
            _lastFrameAt = due;
            return;
        }
        if (now - due > _ticksPerFrame)
            LateFrames++;
        long earliest = _lastFrameAt + _ticksPerFrame / 2;
        if (_gentleCatchUp && earliest > now)
        {
            _sleep(earliest - now);
            now = earliest;
        }
        _lastFrameAt = now;
    }
}
