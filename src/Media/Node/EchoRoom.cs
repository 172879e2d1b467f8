namespace Beryl.Media.Node;

/// <summary>One caller who hears itself back, echo-cancelled: the loop of the webrtc-echoes servers.</summary>
internal sealed class EchoRoom(NodeSession caller) : NodeRoom(1, caller)
{
    protected override void Run()
    {
        ReceiveFrom(0);
        SendTo(0, Cleaned[0]);
    }
}
