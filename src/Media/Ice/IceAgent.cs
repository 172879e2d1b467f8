using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Beryl.Media.Stun;

namespace Beryl.Media.Ice;

/// <summary>Receives a non-STUN datagram from a known remote candidate; the span is only valid during the call.</summary>
public delegate void IceDatagramHandler(ReadOnlySpan<byte> datagram, IPEndPoint remote);

/// <summary>
/// A full ICE agent (RFC 8445) for one component over UDP, with trickle (RFC 8838) and consent freshness
/// (RFC 7675). Events are raised from the agent's receive and timer threads; public members may be called
/// from any thread.
/// </summary>
public sealed partial class IceAgent : IAsyncDisposable
{
    private const int Component = 1;
    private const int MaxPairs = 100;
    private const int MaxRemoteCandidates = 64;
    private const int MaxPendingRequests = 32;
    private const int ReceiveBufferLength = 2048;

    private readonly object _sync = new();
    private readonly List<Action> _pendingEvents = [];
    private readonly IceAgentOptions _options;
    private readonly ulong _tieBreaker;
    private readonly byte[] _localKey;
    private readonly List<IceLocalBase> _bases = [];
    private readonly List<IceCandidate> _localCandidates = [];
    private readonly List<IceRemote> _remotes = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile IceRemote[] _remoteSnapshot = [];
    private volatile IceCandidatePair? _selected;
    private Task _timerLoop = Task.CompletedTask;
    private IceConnectionState _state = IceConnectionState.New;
    private IceGatheringState _gatheringState = IceGatheringState.New;
    private IceRole _role;
    private string? _remoteUfrag;
    private byte[]? _remoteKey;
    private bool _remoteEndOfCandidates;
    private bool _closed;
    private bool _flushingEvents;

    private long _packetsReceived;
    private long _packetsSent;
    private long _dataDelivered;
    private long _stunParseFailures;
    private long _integrityFailures;
    private long _unknownDropped;
    private long _unknownSourceDropped;
    private long _roleConflicts;
    private long _receiveErrors;

    /// <summary>Creates an agent; nothing is bound until <see cref="GatherAsync"/>.</summary>
    public IceAgent(IceAgentOptions? options = null)
    {
        _options = options ?? new IceAgentOptions();
        _role = _options.Role;
        LocalUfrag = _options.LocalUfrag ?? IceCredentials.NewUsernameFragment();
        LocalPassword = _options.LocalPassword ?? IceCredentials.NewPassword();
        _localKey = Encoding.UTF8.GetBytes(LocalPassword);
        Span<byte> tieBreaker = stackalloc byte[8];
        RandomNumberGenerator.Fill(tieBreaker);
        _tieBreaker = BitConverter.ToUInt64(tieBreaker);
    }

    /// <summary>The local username fragment (ice-ufrag).</summary>
    public string LocalUfrag { get; }

    /// <summary>The local password (ice-pwd).</summary>
    public string LocalPassword { get; }

    /// <summary>The current role; it flips when a role conflict is resolved against us.</summary>
    public IceRole Role { get { lock (_sync) return _role; } }

    /// <summary>The connection state.</summary>
    public IceConnectionState State { get { lock (_sync) return _state; } }

    /// <summary>The gathering state.</summary>
    public IceGatheringState GatheringState { get { lock (_sync) return _gatheringState; } }

    /// <summary>The local candidates gathered so far.</summary>
    public IReadOnlyList<IceCandidate> LocalCandidates { get { lock (_sync) return _localCandidates.ToArray(); } }

    /// <summary>The remote address of the selected pair, or null.</summary>
    public IPEndPoint? SelectedRemoteEndPoint => _selected?.Remote.EndPoint;

    /// <summary>The local address of the selected pair, or null.</summary>
    public IPEndPoint? SelectedLocalEndPoint => _selected?.Local.EndPoint;

    internal int PairCount { get { lock (_sync) return _pairs.Count; } }

    /// <summary>Raised when <see cref="State"/> changes.</summary>
    public event EventHandler<IceConnectionState>? StateChanged;

    /// <summary>Raised when <see cref="GatheringState"/> changes.</summary>
    public event EventHandler<IceGatheringState>? GatheringStateChanged;

    /// <summary>Raised for each local candidate as soon as it is known (trickle).</summary>
    public event EventHandler<IceCandidate>? LocalCandidateGathered;

    /// <summary>Raised once when gathering is complete (the end-of-candidates signal to trickle).</summary>
    public event EventHandler? GatheringCompleted;

    /// <summary>Non-STUN datagrams (DTLS, RTP/RTCP) from known remote candidates.</summary>
    public event IceDatagramHandler? DatagramReceived;

    /// <summary>A snapshot of the counters.</summary>
    public IceAgentStatistics Statistics => new(
        Interlocked.Read(ref _packetsReceived), Interlocked.Read(ref _packetsSent), Interlocked.Read(ref _dataDelivered),
        Interlocked.Read(ref _stunParseFailures), Interlocked.Read(ref _integrityFailures), Interlocked.Read(ref _unknownDropped),
        Interlocked.Read(ref _unknownSourceDropped), Interlocked.Read(ref _roleConflicts), Interlocked.Read(ref _receiveErrors));

    /// <summary>
    /// Binds one UDP socket per local address, announces host candidates, then queries the STUN servers
    /// for server-reflexive ones (bounded by <see cref="IceAgentOptions.ServerReflexiveRetransmission"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Gathering already started, or the agent is closed.</exception>
    public async Task GatherAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (_closed || _gatheringState != IceGatheringState.New)
                throw new InvalidOperationException("gathering runs once per agent");
            SetGatheringState(IceGatheringState.Gathering);
            foreach (IPAddress address in LocalAddresses())
                TryAddBase(address);
            _timerLoop = Task.Run(TimerLoopAsync);
            MaybeStartChecking();
        }
        FlushEvents();

        var queries = new List<(IceLocalBase Base, Task<IPEndPoint?> Mapped)>();
        foreach (string server in _options.StunServers)
        {
            IPEndPoint? serverEndPoint = await ResolveAsync(server, cancellationToken).ConfigureAwait(false);
            if (serverEndPoint is null)
                continue;
            lock (_sync)
            {
                foreach (IceLocalBase localBase in _bases)
                {
                    if (localBase.EndPoint.AddressFamily == serverEndPoint.AddressFamily
                        && localBase.IsLoopback == IPAddress.IsLoopback(serverEndPoint.Address))
                        queries.Add((localBase, StartServerReflexiveQuery(localBase, serverEndPoint)));
                }
            }
        }
        await Task.WhenAll(queries.Select(q => q.Mapped)).WaitAsync(cancellationToken).ConfigureAwait(false);

        lock (_sync)
        {
            foreach ((IceLocalBase localBase, Task<IPEndPoint?> mapped) in queries)
            {
                if (mapped.Result is IPEndPoint reflexive && !_closed)
                    AddServerReflexive(localBase, reflexive);
            }
            if (!_closed)
            {
                SetGatheringState(IceGatheringState.Complete);
                Raise(() => GatheringCompleted?.Invoke(this, EventArgs.Empty));
            }
        }
        FlushEvents();
    }

    private IEnumerable<IPAddress> LocalAddresses()
    {
        if (_options.LoopbackOnly)
        {
            yield return IPAddress.Loopback;
            if (_options.EnableIPv6 && Socket.OSSupportsIPv6)
                yield return IPAddress.IPv6Loopback;
            yield break;
        }
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up)
                continue;
            foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
            {
                IPAddress address = unicast.Address;
                bool usable = address.AddressFamily == AddressFamily.InterNetwork
                    || (address.AddressFamily == AddressFamily.InterNetworkV6 && _options.EnableIPv6
                        && !address.IsIPv6LinkLocal && !address.IsIPv4MappedToIPv6);
                if (usable && (!IPAddress.IsLoopback(address) || _options.IncludeLoopback))
                    yield return address;
            }
        }
    }

    // Binds a socket for one address; an address that cannot be bound is skipped, not fatal.
    private void TryAddBase(IPAddress address)
    {
        Socket? socket = BindSocket(address);
        if (socket is null)
            return;
        int index = _bases.Count;
        int localPreference = 65535 - index;
        var endPoint = (IPEndPoint)socket.LocalEndPoint!;
        var host = new IceCandidate(
            (index + 1).ToString(CultureInfo.InvariantCulture), Component, "udp",
            IceCandidate.ComputePriority(IceCandidateType.Host, localPreference, Component),
            endPoint.Address.ToString(), endPoint.Port, IceCandidateType.Host);
        var localBase = new IceLocalBase(socket, host, localPreference);
        _bases.Add(localBase);
        AddLocalCandidate(host);
        foreach (IceRemote remote in _remotes)
            TryAddPair(localBase, remote);
        localBase.ReceiveLoop = Task.Run(() => ReceiveLoopAsync(localBase));
    }

    private Socket? BindSocket(IPAddress address)
    {
        bool anyPort = _options.PortMin <= 0 || _options.PortMax < _options.PortMin;
        int first = anyPort ? 0 : _options.PortMin;
        int last = anyPort ? 0 : _options.PortMax;
        for (int port = first; port <= last; port++)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(new IPEndPoint(address, port));
                return socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
        }
        return null;
    }

    private void AddLocalCandidate(IceCandidate candidate)
    {
        _localCandidates.Add(candidate);
        Raise(() => LocalCandidateGathered?.Invoke(this, candidate));
    }

    private void AddServerReflexive(IceLocalBase localBase, IPEndPoint reflexive)
    {
        // Kept even when equal to the host address (as behind no NAT or on loopback): pairs are formed from
        // bases, so the redundant candidate never produces a second pair (RFC 8445 section 6.1.2.4).
        var candidate = new IceCandidate(
            "s" + localBase.Host.Foundation, Component, "udp",
            IceCandidate.ComputePriority(IceCandidateType.ServerReflexive, localBase.LocalPreference, Component),
            reflexive.Address.ToString(), reflexive.Port, IceCandidateType.ServerReflexive,
            localBase.EndPoint.Address.ToString(), localBase.EndPoint.Port);
        AddLocalCandidate(candidate);
    }

    private static async Task<IPEndPoint?> ResolveAsync(string server, CancellationToken cancellationToken)
    {
        if (IPEndPoint.TryParse(server, out IPEndPoint? literal) && literal.Port != 0)
            return literal;
        int colon = server.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is 0 or > 65535)
            return null;
        try
        {
            IPAddress[] addresses = await Dns.GetHostAddressesAsync(server[..colon], cancellationToken).ConfigureAwait(false);
            return addresses.Length == 0 ? null : new IPEndPoint(addresses[0], port);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>Sets the peer's ice-ufrag and ice-pwd; checks start once there are pairs.</summary>
    public void SetRemoteCredentials(string ufrag, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(ufrag);
        ArgumentException.ThrowIfNullOrEmpty(password);
        lock (_sync)
        {
            if (_closed)
                return;
            _remoteUfrag = ufrag;
            _remoteKey = Encoding.UTF8.GetBytes(password);
            ReplayPendingRequests();
            MaybeStartChecking();
        }
        FlushEvents();
    }

    /// <summary>
    /// Adds a trickled remote candidate, at any time. Candidates this agent cannot use (mDNS names, TCP,
    /// other components) are accepted and ignored.
    /// </summary>
    public void AddRemoteCandidate(IceCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (_sync)
        {
            if (_closed || candidate.EndPoint is null || !candidate.IsUdp || candidate.Component != Component)
                return;
            IceRemote? known = FindRemote(candidate.EndPoint);
            if (known is not null)
            {
                // A signalled candidate replaces a peer-reflexive one learned earlier (RFC 8445 section 7.3.1.3).
                known.Candidate = candidate;
                return;
            }
            AddRemote(candidate);
            MaybeStartChecking();
        }
        FlushEvents();
    }

    /// <summary>The peer will send no more candidates; lets the agent declare failure once every pair failed.</summary>
    public void EndOfRemoteCandidates()
    {
        lock (_sync)
            _remoteEndOfCandidates = true;
    }

    private IceRemote? AddRemote(IceCandidate candidate)
    {
        if (_remotes.Count >= MaxRemoteCandidates)
            return null;
        var remote = new IceRemote(candidate, candidate.EndPoint!);
        _remotes.Add(remote);
        _remoteSnapshot = [.. _remotes];
        foreach (IceLocalBase localBase in _bases)
            TryAddPair(localBase, remote);
        return remote;
    }

    private IceRemote? FindRemote(IPEndPoint endPoint)
    {
        foreach (IceRemote remote in _remotes)
        {
            if (remote.EndPoint.Equals(endPoint))
                return remote;
        }
        return null;
    }

    /// <summary>Sends a datagram over the selected pair; false when there is none or the send failed.</summary>
    public bool Send(ReadOnlySpan<byte> datagram)
    {
        IceCandidatePair? pair = _selected;
        if (pair is null)
            return false;
        try
        {
            pair.Local.Socket.SendTo(datagram, SocketFlags.None, pair.Remote.SocketAddress);
            Interlocked.Increment(ref _packetsSent);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task ReceiveLoopAsync(IceLocalBase localBase)
    {
        byte[] buffer = new byte[ReceiveBufferLength];
        var from = new SocketAddress(localBase.EndPoint.AddressFamily);
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await localBase.Socket.ReceiveFromAsync(buffer, SocketFlags.None, from, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP errors from earlier sends surface on some platforms; the socket itself is still fine.
                Interlocked.Increment(ref _receiveErrors);
                continue;
            }
            Interlocked.Increment(ref _packetsReceived);
            try
            {
                OnDatagram(localBase, buffer.AsSpan(0, received), from);
            }
            catch (Exception)
            {
                // A throwing event handler must not kill the receive path.
                Interlocked.Increment(ref _receiveErrors);
            }
        }
    }

    private void OnDatagram(IceLocalBase localBase, ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        switch (PacketClassifier.Classify(datagram))
        {
            case PacketKind.Stun:
                lock (_sync)
                    HandleStun(localBase, datagram, from);
                FlushEvents();
                break;
            case PacketKind.Dtls or PacketKind.Rtp:
                IceRemote? remote = FindRemote(from);
                if (remote is null)
                {
                    Interlocked.Increment(ref _unknownSourceDropped);
                    return;
                }
                Interlocked.Increment(ref _dataDelivered);
                DatagramReceived?.Invoke(datagram, remote.EndPoint);
                break;
            default:
                Interlocked.Increment(ref _unknownDropped);
                break;
        }
    }

    // Lock-free, allocation-free lookup for the data path.
    private IceRemote? FindRemote(SocketAddress address)
    {
        foreach (IceRemote remote in _remoteSnapshot)
        {
            if (remote.SocketAddress.Equals(address))
                return remote;
        }
        return null;
    }

    private void SetState(IceConnectionState state)
    {
        if (_state == state || _state == IceConnectionState.Closed)
            return;
        _state = state;
        Raise(() => StateChanged?.Invoke(this, state));
    }

    private void SetGatheringState(IceGatheringState state)
    {
        _gatheringState = state;
        Raise(() => GatheringStateChanged?.Invoke(this, state));
    }

    // Events are queued under _sync and raised by one thread at a time, in order, with no lock held: handlers
    // may call back into this agent or into another agent that raises events at us (trickle) without deadlock.
    private void Raise(Action raise) => _pendingEvents.Add(raise);

    private void FlushEvents()
    {
        while (true)
        {
            Action[] batch;
            lock (_sync)
            {
                // Whoever is flushing already will also raise what was queued meanwhile.
                if (_flushingEvents || _pendingEvents.Count == 0)
                    return;
                _flushingEvents = true;
                batch = [.. _pendingEvents];
                _pendingEvents.Clear();
            }
            try
            {
                foreach (Action raise in batch)
                {
                    try
                    {
                        raise();
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref _receiveErrors);
                    }
                }
            }
            finally
            {
                lock (_sync)
                    _flushingEvents = false;
            }
        }
    }

    /// <summary>Closes the agent: state <see cref="IceConnectionState.Closed"/>, sockets and timers released.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] loops;
        lock (_sync)
        {
            if (_closed)
                return;
            _closed = true;
            SetState(IceConnectionState.Closed);
            _selected = null;
            _stop.Cancel();
            foreach (IceLocalBase localBase in _bases)
                localBase.Socket.Dispose();
            FailServerReflexiveQueries();
            loops = [_timerLoop, .. _bases.Select(b => b.ReceiveLoop)];
        }
        FlushEvents();
        await Task.WhenAll(loops).ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Same as <see cref="DisposeAsync"/>.</summary>
    public ValueTask CloseAsync() => DisposeAsync();
}
