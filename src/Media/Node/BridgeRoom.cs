namespace Beryl.Media.Node;

/// <summary>
/// Two callers who hear each other. Each leg's canceller takes what the node sends that caller (the other caller's
/// cleaned voice) as its reference, so a caller whose own device does not cancel echo does not return it. The first
/// caller hears silence until the second joins.
/// </summary>
internal sealed class BridgeRoom(NodeSession first, NodeWorker owner) : NodeRoom(2, first)
{
    /// <summary>The caller who came first and waits for a partner.</summary>
    public NodeSession First { get; } = first;

    /// <summary>The audio thread that runs the room: a second caller joins on it.</summary>
    public NodeWorker Owner { get; } = owner;

    protected override void Run()
    {
        bool paired = SessionAt(1) is not null;
        ReceiveFrom(0);
        if (paired)
            ReceiveFrom(1);
        SendTo(0, paired ? Cleaned[1] : Silence);
        if (paired)
            SendTo(1, Cleaned[0]);
    }
}
