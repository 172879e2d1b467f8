using System.Collections.Concurrent;
using System.Diagnostics;
using Beryl.Media.Engine;

namespace Beryl.Media.Node;

/// <summary>
/// One audio thread of the node: every 10 ms it runs each of its rooms once. Rooms arrive through a lock-free queue;
/// a finished room is dropped and released on the thread pool, so nothing on this thread waits for a file or a socket.
/// With a <see cref="EncoderComplexityGovernor"/>, the time its rooms take sets their encoders' complexity.
/// </summary>
internal sealed class NodeWorker : IDisposable
{
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly List<NodeRoom> _rooms = [];
    private readonly FramePacer _pacer = new();
    private readonly Thread _thread;
    private readonly EncoderComplexityGovernor? _governor;
    private volatile bool _stopping;
    private int _roomCount;
    private long _lateFrames;

    /// <param name="index">The thread's number, for its name.</param>
    /// <param name="governor">Lowers the encoders' complexity while the thread is short of time; null keeps it as configured.</param>
    public NodeWorker(int index, EncoderComplexityGovernor? governor = null)
    {
        _governor = governor;
        _thread = new Thread(Run) { Name = $"beryl-node-audio-{index}", IsBackground = true, Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <summary>Rooms assigned to this thread, including those not yet picked up.</summary>
    public int RoomCount => Volatile.Read(ref _roomCount);

    /// <summary>Ticks that started more than 10 ms late: the thread had more work than time.</summary>
    public long LateFrames => Volatile.Read(ref _lateFrames);

    /// <summary>The share of its ticks the thread spends running rooms, smoothed over about a second; 0 without a governor.</summary>
    public double Load => _governor?.Load ?? 0;

    /// <summary>The complexity the governor has the encoders at, or null without a governor (as configured).</summary>
    public int? EncoderComplexity => _governor?.Complexity;

    public void Add(NodeRoom room)
    {
        Interlocked.Increment(ref _roomCount);
        _commands.Enqueue(() =>
        {
            _rooms.Add(room);
            if (_governor is not null)
                room.SetEncoderComplexity(_governor.Complexity);
        });
    }

    /// <summary>Runs <paramref name="action"/> on the audio thread before its next tick.</summary>
    public void Post(Action action) => _commands.Enqueue(action);

    private void Run()
    {
        while (!_stopping)
        {
            _pacer.WaitForNextFrame();
            long start = Stopwatch.GetTimestamp();
            while (_commands.TryDequeue(out var command))
                command();
            for (int i = _rooms.Count - 1; i >= 0; i--)
            {
                var room = _rooms[i];
                room.Tick();
                if (!room.IsFinished)
                    continue;
                _rooms.RemoveAt(i);
                Interlocked.Decrement(ref _roomCount);
                ThreadPool.QueueUserWorkItem(static r => r.Release(), room, preferLocal: false);
            }
            Volatile.Write(ref _lateFrames, _pacer.LateFrames);
            if (_governor?.Update(Stopwatch.GetElapsedTime(start) / _pacer.Period) == true)
            {
                foreach (var room in _rooms)
                    room.SetEncoderComplexity(_governor.Complexity);
            }
        }
        while (_commands.TryDequeue(out var command))
            command();
        foreach (var room in _rooms)
            room.Release();
        _rooms.Clear();
    }

    /// <summary>Stops the thread and releases every room still on it.</summary>
    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }
}
