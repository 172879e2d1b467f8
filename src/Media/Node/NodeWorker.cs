using System.Collections.Concurrent;
using Beryl.Media.Engine;

namespace Beryl.Media.Node;

/// <summary>
/// One audio thread of the node: every 10 ms it runs each of its rooms once. Rooms arrive through a lock-free queue;
/// a finished room is dropped and released on the thread pool, so nothing on this thread waits for a file or a socket.
/// </summary>
internal sealed class NodeWorker : IDisposable
{
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly List<NodeRoom> _rooms = [];
    private readonly FramePacer _pacer = new();
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _roomCount;
    private long _lateFrames;

    public NodeWorker(int index)
    {
        _thread = new Thread(Run) { Name = $"beryl-node-audio-{index}", IsBackground = true, Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <summary>Rooms assigned to this thread, including those not yet picked up.</summary>
    public int RoomCount => Volatile.Read(ref _roomCount);

    /// <summary>Ticks that started more than 10 ms late: the thread had more work than time.</summary>
    public long LateFrames => Volatile.Read(ref _lateFrames);

    public void Add(NodeRoom room)
    {
        Interlocked.Increment(ref _roomCount);
        _commands.Enqueue(() => _rooms.Add(room));
    }

    /// <summary>Runs <paramref name="action"/> on the audio thread before its next tick.</summary>
    public void Post(Action action) => _commands.Enqueue(action);

    private void Run()
    {
        while (!_stopping)
        {
            _pacer.WaitForNextFrame();
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
