namespace Beryl.Media.Node;

/// <summary>
/// One caller who hears itself back, echo-cancelled: the loop of the webrtc-echoes servers. The voice goes back
/// <see cref="LoopDelayFrames"/> later than it came: sent at once, the render reference would be the capture itself, and
/// the leg's canceller would take the caller's voice for echo of it and remove it. Held back further than the
/// canceller's look-ahead, the voice leads its reference and only the real echo (which follows it) is cancelled.
/// </summary>
internal sealed class EchoRoom : NodeRoom
{
    /// <summary>10 ms frames the voice is held back: 100 ms, past the canceller's 40 ms look-ahead.</summary>
    public const int LoopDelayFrames = 10;

    private readonly float[][] _loop;
    private int _next;

    public EchoRoom(NodeSession caller)
        : base(1, caller)
    {
        _loop = new float[LoopDelayFrames][];
        for (int i = 0; i < _loop.Length; i++)
            _loop[i] = new float[caller.Leg!.Format.SamplesPer10Ms];
    }

    protected override void Run()
    {
        ReceiveFrom(0);
        var slot = _loop[_next];
        SendTo(0, slot);
        Cleaned[0].CopyTo(slot, 0);
        _next = (_next + 1) % _loop.Length;
    }
}
