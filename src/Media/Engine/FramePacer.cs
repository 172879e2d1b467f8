using System.Diagnostics;

namespace Beryl.Media.Engine;

/// <summary>
/// Paces a thread at one frame (10 ms unless told) per tick against absolute deadlines, as a sound card's clock would. When the
/// thread falls behind (a stall of the scheduler), the missed frames are run back to back rather than skipped:
/// simulated rooms and the echo canceller count samples, so skipping would shift their timelines.
/// </summary>
internal sealed class FramePacer
{
    private readonly long _ticksPerFrame;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _frames;

    /// <summary>Starts the clock now; <paramref name="period"/> is a frame's length, 10 ms by default.</summary>
    public FramePacer(TimeSpan? period = null)
    {
        var frame = period ?? TimeSpan.FromMilliseconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(frame, TimeSpan.Zero, nameof(period));
        _ticksPerFrame = (long)(frame.TotalSeconds * Stopwatch.Frequency);
        Period = frame;
    }

    /// <summary>A frame's length.</summary>
    public TimeSpan Period { get; }

    /// <summary>Frames that started more than one frame after their deadline.</summary>
    public long LateFrames { get; private set; }

    /// <summary>Blocks until the next frame is due, or returns at once when it is already overdue.</summary>
    public void WaitForNextFrame()
    {
        long due = _start + _frames * _ticksPerFrame;
        _frames++;
        long remaining = due - Stopwatch.GetTimestamp();
        if (remaining > 0)
            Thread.Sleep(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
        else if (-remaining > _ticksPerFrame)
            LateFrames++;
    }
}
