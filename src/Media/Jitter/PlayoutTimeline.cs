namespace Beryl.Media.Jitter;

/// <summary>
/// How far the audio played has moved against the stream's own timeline: frames played that the stream did not
/// carry (concealment while a late packet was awaited, pitch periods repeated, silence while re-buffering) count up,
/// frames the stream carried that were never played (periods removed) count down. Concealment of a lost packet stands
/// in for the packet's own time and counts nothing. A change is found when the next packet is decoded, and takes
/// effect once the audio before it has been played out. Playout thread only.
/// </summary>
internal struct PlayoutTimeline
{
    private bool _anchored, _pending;
    private long _position;    // frames output so far
    private long _anchorFrames, _anchorPosition, _pendingShift, _pendingAt;

    /// <summary>The shift of the audio output so far, in frames (positive: played later than the stream's timing).</summary>
    public long Shift { get; private set; }

    /// <summary>Accounts <paramref name="frames"/> more output.</summary>
    public void Advance(int frames)
    {
        _position += frames;
        if (_pending && _position > _pendingAt)
        {
            Shift = _pendingShift;
            _pending = false;
        }
    }

    /// <summary>
    /// A packet whose first frame is <paramref name="streamFrames"/> on the stream's clock (in frames) starts
    /// <paramref name="queuedFrames"/> after what has been output.
    /// </summary>
    public void Decoding(long streamFrames, int queuedFrames)
    {
        long position = _position + queuedFrames;
        long latest = _pending ? _pendingShift : Shift;
        if (!_anchored)
        {
            // A new stream starts where the last one left off: its offset to the old timing is unknowable.
            _anchorFrames = streamFrames;
            _anchorPosition = position - latest;
            _anchored = true;
            return;
        }
        long shift = position - _anchorPosition - (streamFrames - _anchorFrames);
        if (shift == latest)
            return;
        _pendingShift = shift;
        _pendingAt = position;
        _pending = true;
    }

    /// <summary>The next packet decoded belongs to a new stream.</summary>
    public void Restart() => _anchored = false;
}
