using System.Net;
using System.Net.Sockets;

namespace Beryl.Media.Ice;

/// <summary>Check state of a candidate pair (RFC 8445 section 6.1.2.6).</summary>
internal enum IcePairState
{
    Frozen,
    Waiting,
    InProgress,
    Succeeded,
    Failed,
}

/// <summary>One local socket: the base of a host candidate (and of any server-reflexive one).</summary>
internal sealed class IceLocalBase(Socket socket, IceCandidate host, int localPreference)
{
    public Socket Socket { get; } = socket;
    public IceCandidate Host { get; } = host;
    public IPEndPoint EndPoint { get; } = host.EndPoint!;
    public int LocalPreference { get; } = localPreference;
    public bool IsLoopback { get; } = IPAddress.IsLoopback(host.EndPoint!.Address);
    public Task ReceiveLoop { get; set; } = Task.CompletedTask;
}

/// <summary>A remote candidate with its address ready for allocation-free sends and comparisons.</summary>
internal sealed class IceRemote(IceCandidate candidate, IPEndPoint endPoint)
{
    public IceCandidate Candidate { get; set; } = candidate;
    public IPEndPoint EndPoint { get; } = endPoint;
    public SocketAddress SocketAddress { get; } = endPoint.Serialize();
}

internal sealed class IceCandidatePair(IceLocalBase local, IceRemote remote)
{
    public IceLocalBase Local { get; } = local;
    public IceRemote Remote { get; } = remote;
    public string Foundation { get; } = local.Host.Foundation + ":" + remote.Candidate.Foundation;
    public ulong Priority { get; set; }
    public IcePairState State { get; set; } = IcePairState.Frozen;
    // The controlled agent saw USE-CANDIDATE before its own check of this pair succeeded.
    public bool NominatedByPeer { get; set; }

    /// <summary>RFC 8445 section 6.1.2.3: 2^32·MIN(G,D) + 2·MAX(G,D) + (G&gt;D ? 1 : 0).</summary>
    public static ulong ComputePriority(uint controlling, uint controlled) =>
        ((ulong)Math.Min(controlling, controlled) << 32) + 2ul * Math.Max(controlling, controlled) + (controlling > controlled ? 1ul : 0ul);
}
