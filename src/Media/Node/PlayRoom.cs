namespace Beryl.Media.Node;

/// <summary>
/// One caller who hears a file (once, then silence, or looped); what comes back is echo-cancelled against the file and
/// recorded when the node records.
/// </summary>
internal sealed class PlayRoom(NodeSession caller, float[] file, bool loop) : NodeRoom(1, caller)
{
    private readonly float[] _playout = new float[caller.Leg!.Format.SamplesPer10Ms];
    private int _position;

    protected override void Run()
    {
        var output = _playout.AsSpan();
        while (!output.IsEmpty && _position < file.Length)
        {
            int copied = Math.Min(output.Length, file.Length - _position);
            file.AsSpan(_position, copied).CopyTo(output);
            output = output[copied..];
            _position += copied;
            if (loop && _position == file.Length)
                _position = 0;
        }
        output.Clear();
        SendTo(0, _playout);
        ReceiveFrom(0);
    }
}
