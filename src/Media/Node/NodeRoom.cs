namespace Beryl.Media.Node;

/// <summary>
/// A unit of the node's routing that one audio thread runs every 10 ms: one caller hearing itself, two callers hearing
/// each other, or one caller hearing a file. A room owns the legs of its sessions: only its thread touches them, and it
/// disposes them when released.
/// </summary>
internal abstract class NodeRoom
{
    // A room whose every tick throws is broken, not unlucky: its calls end rather than carry silence for ever.
    private const int MaxConsecutiveErrors = 100;

    private readonly NodeSession?[] _sessions;
    private int _consecutiveErrors;
    private int? _encoderComplexity;

    protected NodeRoom(int capacity, NodeSession first)
    {
        _sessions = new NodeSession?[capacity];
        _sessions[0] = first;
        int frame = first.Leg!.Format.SamplesPer10Ms;
        Received = new float[capacity][];
        Cleaned = new float[capacity][];
        for (int i = 0; i < capacity; i++)
        {
            Received[i] = new float[frame];
            Cleaned[i] = new float[frame];
        }
        Silence = new float[frame];
    }

    /// <summary>Per slot, the caller's last 10 ms as received.</summary>
    protected float[][] Received { get; }

    /// <summary>Per slot, the caller's last 10 ms with the echo of the node's voice removed.</summary>
    protected float[][] Cleaned { get; }

    /// <summary>10 ms of silence, for a slot nobody has taken yet.</summary>
    protected float[] Silence { get; }

    /// <summary>True once a session of the room has ended: the worker drops the room and releases it.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Whether another caller can still join (read under the node's lock only).</summary>
    public bool HasFreeSlot => Array.IndexOf(_sessions, null) >= 0 && !IsFinished;

    /// <summary>The session in a slot, or null while the slot is free.</summary>
    protected NodeSession? SessionAt(int slot) => _sessions[slot];

    /// <summary>Puts a session in the first free slot; runs on the room's audio thread.</summary>
    public void Join(NodeSession session)
    {
        int slot = Array.IndexOf(_sessions, null);
        if (slot < 0 || IsFinished)
        {
            _ = session.CloseAsync("the call it was to join has ended");
            session.ReleaseLeg();
            return;
        }
        _sessions[slot] = session;
        if (_encoderComplexity is int complexity)
            session.Leg!.SetEncoderComplexity(complexity);
        OnJoined(slot);
    }

    /// <summary>Sets the complexity of every leg's encoder, and of legs that join later; runs on the room's audio thread.</summary>
    public void SetEncoderComplexity(int complexity)
    {
        _encoderComplexity = complexity;
        foreach (var session in _sessions)
            session?.Leg?.SetEncoderComplexity(complexity);
    }

    /// <summary>Called on the audio thread when a second or later caller has joined.</summary>
    protected virtual void OnJoined(int slot)
    {
    }

    /// <summary>Runs 10 ms of the room; a session that has ended finishes it.</summary>
    public void Tick()
    {
        if (IsFinished)
            return;
        foreach (var session in _sessions)
        {
            if (session is { HasEnded: true })
            {
                IsFinished = true;
                return;
            }
        }
        try
        {
            Run();
            _consecutiveErrors = 0;
        }
        catch (Exception e)
        {
            foreach (var session in _sessions)
                session?.RecordAudioError(e);
            if (++_consecutiveErrors >= MaxConsecutiveErrors)
                IsFinished = true;
        }
    }

    /// <summary>The room's routing for one 10 ms frame.</summary>
    protected abstract void Run();

    /// <summary>Receives a slot's next 10 ms into <see cref="Received"/> and <see cref="Cleaned"/>, and records them.</summary>
    protected void ReceiveFrom(int slot)
    {
        var session = _sessions[slot]!;
        session.Leg!.Receive(Received[slot], Cleaned[slot]);
        session.Recorder?.WriteReceived(Received[slot], Cleaned[slot]);
    }

    /// <summary>Sends 10 ms to a slot's caller, and records it as that leg's render reference.</summary>
    protected void SendTo(int slot, ReadOnlySpan<float> frame)
    {
        var session = _sessions[slot]!;
        session.Leg!.Send(frame);
        session.Recorder?.WriteRender(frame);
    }

    /// <summary>Disposes the legs and ends every session still open: in a shared room, the other caller has gone.</summary>
    public void Release()
    {
        IsFinished = true;
        foreach (var session in _sessions)
        {
            if (session is null)
                continue;
            _ = session.CloseAsync(_sessions.Length > 1 ? "the other caller hung up" : "the call ended");
            session.ReleaseLeg();
        }
    }
}
