using Beryl.Media.WebRtc;

namespace Beryl.Signaling;

/// <summary>
/// Trickled candidates gathered before the description they belong to has gone out. The far end cannot place a
/// candidate without its description, so they wait, and follow it once it is sent.
/// </summary>
internal sealed class HeldCandidates
{
    private readonly Lock _lock = new();
    private List<RTCIceCandidateInit?>? _held;

    /// <summary>Starts holding: a description is being made.</summary>
    public void Hold()
    {
        lock (_lock)
            _held = [];
    }

    /// <summary>Keeps <paramref name="candidate"/> for later and returns true while holding; false means send it now.</summary>
    public bool TryHold(RTCIceCandidateInit? candidate)
    {
        lock (_lock)
        {
            _held?.Add(candidate);
            return _held is not null;
        }
    }

    /// <summary>Call once the description has gone: hands over what was held, in order, and stops holding.</summary>
    public void Release(Action<RTCIceCandidateInit?> send)
    {
        lock (_lock)
        {
            foreach (var candidate in _held ?? [])
                send(candidate);
            _held = null;
        }
    }
}
