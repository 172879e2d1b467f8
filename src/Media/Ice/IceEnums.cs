namespace Beryl.Media.Ice;

/// <summary>Candidate types (RFC 8445 section 5.1.1).</summary>
public enum IceCandidateType
{
    /// <summary>An address of a local interface.</summary>
    Host,
    /// <summary>A server-reflexive address learned from a STUN server.</summary>
    ServerReflexive,
    /// <summary>A peer-reflexive address learned from a connectivity check.</summary>
    PeerReflexive,
    /// <summary>A TURN relay address.</summary>
    Relay,
}

/// <summary>The agent's ICE role (RFC 8445 section 6.1.1).</summary>
public enum IceRole
{
    /// <summary>Nominates the pair to use.</summary>
    Controlling,
    /// <summary>Follows the controlling agent's nomination.</summary>
    Controlled,
}

/// <summary>Connection state, as RTCIceConnectionState names it.</summary>
public enum IceConnectionState
{
    /// <summary>Nothing happened yet.</summary>
    New,
    /// <summary>Connectivity checks are running.</summary>
    Checking,
    /// <summary>A pair is selected and consent is fresh.</summary>
    Connected,
    /// <summary>Checking finished with a selected pair.</summary>
    Completed,
    /// <summary>No pair works, or consent expired.</summary>
    Failed,
    /// <summary>Consent responses stopped arriving for a while; may recover.</summary>
    Disconnected,
    /// <summary>The agent was closed.</summary>
    Closed,
}

/// <summary>Candidate gathering state.</summary>
public enum IceGatheringState
{
    /// <summary>Gathering has not started.</summary>
    New,
    /// <summary>Candidates are being gathered.</summary>
    Gathering,
    /// <summary>All local candidates were gathered.</summary>
    Complete,
}
