using System.Net;
using System.Net.Sockets;
using System.Text;
using Beryl.Media.Stun;

namespace Beryl.Media.Ice;

public sealed partial class IceAgent
{
    private const int StunBufferLength = 1024;

    private enum TransactionKind
    {
        Check,
        Consent,
        ServerReflexive,
    }

    private sealed class Transaction(TransactionKind kind, IceLocalBase localBase, SocketAddress destination, byte[] request, StunRetransmission policy)
    {
        public TransactionKind Kind { get; } = kind;
        public IceLocalBase Base { get; } = localBase;
        public SocketAddress Destination { get; } = destination;
        public byte[] Request { get; } = request;
        public StunRetransmission Policy { get; } = policy;
        public IceCandidatePair? Pair { get; init; }
        public bool UseCandidate { get; init; }
        public IceRole RoleWhenSent { get; init; }
        public TaskCompletionSource<IPEndPoint?>? Mapped { get; init; }
        public int Transmissions { get; set; }
        public long DeadlineMs { get; set; }
    }

    // A check that arrived before the remote credentials; replayed once they are known.
    private readonly record struct PendingRequest(IceLocalBase Base, IPEndPoint Source, uint Priority, bool UseCandidate);

    private readonly List<IceCandidatePair> _pairs = [];
    private readonly Queue<IceCandidatePair> _triggered = new();
    private readonly Dictionary<StunTransactionId, Transaction> _transactions = [];
    private readonly List<PendingRequest> _pendingRequests = [];
    private readonly byte[] _stunBuffer = new byte[StunBufferLength];
    private IceCandidatePair? _nominating;
    private long _firstSuccessMs = -1;
    private long _lastConsentMs;
    private long _consentOutstandingSinceMs = -1;
    private long _nextConsentMs;

    private static long NowMs => Environment.TickCount64;

    private async Task TimerLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                lock (_sync)
                {
                    if (_closed)
                        return;
                    OnTick(NowMs);
                }
                FlushEvents();
            }
        }
        catch (OperationCanceledException)
        {
            // Closed.
        }
    }

    private void OnTick(long now)
    {
        RetransmitOrExpire(now);
        // Failure is final: consent lost must not be undone by a fresh round of checks.
        if (_remoteKey is null || _state == IceConnectionState.Failed)
            return;
        if (_selected is null)
        {
            SendNextCheck();
            MaybeNominate(now);
            MaybeFail();
        }
        else
        {
            if (_triggered.Count > 0)
                SendNextCheck();
            KeepConsent(now);
        }
    }

    private void MaybeStartChecking()
    {
        if (_state == IceConnectionState.New && _remoteKey is not null && _pairs.Count > 0)
            SetState(IceConnectionState.Checking);
    }

    private void TryAddPair(IceLocalBase localBase, IceRemote remote)
    {
        if (!CanPair(localBase, remote.EndPoint) || FindPair(localBase, remote) is not null || _pairs.Count >= MaxPairs)
            return;
        var pair = new IceCandidatePair(localBase, remote);
        // The first pair of a foundation starts Waiting, later ones wait Frozen for it (RFC 8445 section 6.1.2.6).
        pair.State = _pairs.Exists(p => p.Foundation == pair.Foundation) ? IcePairState.Frozen : IcePairState.Waiting;
        _pairs.Add(pair);
        PrioritisePairs();
    }

    // Same family; loopback only with loopback so nothing paired with a local loopback ever leaves the host.
    private static bool CanPair(IceLocalBase localBase, IPEndPoint remote) =>
        remote.AddressFamily == localBase.EndPoint.AddressFamily
        && IPAddress.IsLoopback(remote.Address) == localBase.IsLoopback
        && !remote.Address.IsIPv6LinkLocal && remote.Port != 0;

    private void PrioritisePairs()
    {
        foreach (IceCandidatePair pair in _pairs)
        {
            uint local = pair.Local.Host.Priority;
            uint remote = pair.Remote.Candidate.Priority;
            pair.Priority = _role == IceRole.Controlling
                ? IceCandidatePair.ComputePriority(local, remote)
                : IceCandidatePair.ComputePriority(remote, local);
        }
        _pairs.Sort((a, b) => b.Priority.CompareTo(a.Priority));
    }

    private IceCandidatePair? FindPair(IceLocalBase localBase, IceRemote remote) =>
        _pairs.Find(p => p.Local == localBase && p.Remote == remote);

    private void SendNextCheck()
    {
        while (_triggered.TryDequeue(out IceCandidatePair? triggered))
        {
            if (triggered.State is not (IcePairState.InProgress or IcePairState.Succeeded))
            {
                SendCheck(triggered, useCandidate: false);
                return;
            }
        }
        if (_selected is not null)
            return;
        IceCandidatePair? next = _pairs.Find(p => p.State == IcePairState.Waiting) ?? _pairs.Find(p => p.State == IcePairState.Frozen);
        if (next is not null)
            SendCheck(next, useCandidate: false);
    }

    private void SendCheck(IceCandidatePair pair, bool useCandidate)
    {
        pair.State = IcePairState.InProgress;
        StartTransaction(TransactionKind.Check, pair, useCandidate);
    }

    private void StartTransaction(TransactionKind kind, IceCandidatePair pair, bool useCandidate)
    {
        var id = StunTransactionId.NewRandom();
        var writer = new StunMessageWriter(_stunBuffer, StunMessageClass.Request, StunMethod.Binding, id);
        writer.AddUsername(_remoteUfrag + ":" + LocalUfrag);
        // The priority a peer-reflexive candidate learned from this check would get (RFC 8445 section 7.1.1).
        writer.AddPriority(IceCandidate.ComputePriority(IceCandidateType.PeerReflexive, pair.Local.LocalPreference, Component));
        if (_role == IceRole.Controlling)
            writer.AddIceControlling(_tieBreaker);
        else
            writer.AddIceControlled(_tieBreaker);
        if (useCandidate)
            writer.AddUseCandidate();
        writer.AddMessageIntegrity(_remoteKey);
        writer.AddFingerprint();
        var transaction = new Transaction(kind, pair.Local, pair.Remote.SocketAddress, writer.Written.ToArray(), _options.CheckRetransmission)
        {
            Pair = pair,
            UseCandidate = useCandidate,
            RoleWhenSent = _role,
        };
        Transmit(id, transaction);
    }

    private Task<IPEndPoint?> StartServerReflexiveQuery(IceLocalBase localBase, IPEndPoint server)
    {
        var id = StunTransactionId.NewRandom();
        var writer = new StunMessageWriter(_stunBuffer, StunMessageClass.Request, StunMethod.Binding, id);
        writer.AddFingerprint();
        var mapped = new TaskCompletionSource<IPEndPoint?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var transaction = new Transaction(TransactionKind.ServerReflexive, localBase, server.Serialize(), writer.Written.ToArray(), _options.ServerReflexiveRetransmission)
        {
            Mapped = mapped,
        };
        Transmit(id, transaction);
        return mapped.Task;
    }

    private void FailServerReflexiveQueries()
    {
        foreach (Transaction transaction in _transactions.Values)
            transaction.Mapped?.TrySetResult(null);
        _transactions.Clear();
    }

    private void Transmit(StunTransactionId id, Transaction transaction)
    {
        _transactions[id] = transaction;
        transaction.Transmissions++;
        transaction.DeadlineMs = NowMs + (long)transaction.Policy.WaitAfter(transaction.Transmissions).TotalMilliseconds;
        SendRaw(transaction.Base, transaction.Request, transaction.Destination);
    }

    private void SendRaw(IceLocalBase localBase, ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        try
        {
            localBase.Socket.SendTo(datagram, SocketFlags.None, destination);
            Interlocked.Increment(ref _packetsSent);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Unreachable peers show up as check timeouts.
        }
    }

    private void RetransmitOrExpire(long now)
    {
        List<StunTransactionId>? expired = null;
        foreach ((StunTransactionId id, Transaction transaction) in _transactions)
        {
            if (now < transaction.DeadlineMs)
                continue;
            if (transaction.Transmissions < transaction.Policy.MaxTransmissions)
            {
                transaction.Transmissions++;
                transaction.DeadlineMs = now + (long)transaction.Policy.WaitAfter(transaction.Transmissions).TotalMilliseconds;
                SendRaw(transaction.Base, transaction.Request, transaction.Destination);
            }
            else
            {
                (expired ??= []).Add(id);
            }
        }
        if (expired is null)
            return;
        foreach (StunTransactionId id in expired)
        {
            _transactions.Remove(id, out Transaction? transaction);
            transaction!.Mapped?.TrySetResult(null);
            if (transaction.Kind == TransactionKind.Check)
                FailPair(transaction.Pair!);
        }
    }

    private void FailPair(IceCandidatePair pair)
    {
        pair.State = IcePairState.Failed;
        if (_nominating == pair)
            _nominating = null;
    }

    private void MaybeNominate(long now)
    {
        if (_role != IceRole.Controlling || _nominating is not null)
            return;
        IceCandidatePair? best = _pairs.Find(p => p.State == IcePairState.Succeeded);
        if (best is null)
            return;
        // Nominate once no better pair can still succeed, or after the nomination delay.
        bool betterPending = _pairs.Exists(p => p.Priority > best.Priority && p.State is IcePairState.Frozen or IcePairState.Waiting or IcePairState.InProgress);
        if (betterPending && now - _firstSuccessMs < _options.NominationDelay.TotalMilliseconds)
            return;
        _nominating = best;
        StartTransaction(TransactionKind.Check, best, useCandidate: true);
    }

    private void MaybeFail()
    {
        if (_remoteEndOfCandidates && _state == IceConnectionState.Checking && _pairs.Count > 0
            && _pairs.TrueForAll(p => p.State == IcePairState.Failed))
            SetState(IceConnectionState.Failed);
    }

    private void Select(IceCandidatePair pair)
    {
        if (_selected is not null && _selected.Priority >= pair.Priority)
            return;
        _selected = pair;
        long now = NowMs;
        _lastConsentMs = now;
        _consentOutstandingSinceMs = -1;
        _nextConsentMs = now + NextConsentDelayMs();
        SetState(IceConnectionState.Connected);
    }

    private long NextConsentDelayMs() => (long)(_options.ConsentInterval.TotalMilliseconds * (0.8 + 0.4 * Random.Shared.NextDouble()));

    private void KeepConsent(long now)
    {
        IceCandidatePair selected = _selected!;
        if (now - _lastConsentMs > _options.ConsentTimeout.TotalMilliseconds)
        {
            // RFC 7675 section 5.1: consent is lost; stop sending on the pair.
            _selected = null;
            SetState(IceConnectionState.Failed);
            return;
        }
        if (_consentOutstandingSinceMs >= 0 && now - _consentOutstandingSinceMs > _options.DisconnectedTimeout.TotalMilliseconds)
            SetState(IceConnectionState.Disconnected);
        if (now >= _nextConsentMs)
        {
            _nextConsentMs = now + NextConsentDelayMs();
            if (_consentOutstandingSinceMs < 0)
                _consentOutstandingSinceMs = now;
            StartTransaction(TransactionKind.Consent, selected, useCandidate: false);
        }
    }

    private void HandleStun(IceLocalBase localBase, ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (_closed)
            return;
        if (!StunMessage.TryParse(datagram, out StunMessage message))
        {
            Interlocked.Increment(ref _stunParseFailures);
            return;
        }
        switch (message.Class)
        {
            case StunMessageClass.Request when message.Method == StunMethod.Binding:
                HandleRequest(localBase, message, from);
                break;
            case StunMessageClass.SuccessResponse or StunMessageClass.ErrorResponse:
                HandleResponse(message, from);
                break;
            default:
                // Binding indications are keepalives; other methods are not ours.
                break;
        }
    }

    private void HandleRequest(IceLocalBase localBase, StunMessage request, SocketAddress from)
    {
        if (!request.HasValidFingerprint)
        {
            Interlocked.Increment(ref _stunParseFailures);
            return;
        }
        var source = (IPEndPoint)localBase.EndPoint.Create(from);
        if (request.UnknownRequiredAttributeCount > 0)
        {
            Span<ushort> unknown = stackalloc ushort[8];
            int count = request.CopyUnknownRequiredAttributes(unknown);
            SendError(localBase, request, from, StunErrorCode.UnknownAttribute, unknown[..count]);
            return;
        }
        if (!IsAuthenticRequest(request))
        {
            Interlocked.Increment(ref _integrityFailures);
            SendError(localBase, request, from, request.HasUsername && request.HasMessageIntegrity ? StunErrorCode.Unauthenticated : StunErrorCode.BadRequest, default);
            return;
        }
        // A check this base will never pair with must not succeed for the peer either, or the peer may select a pair
        // that carries nothing here (Chromium checks from its IPv6 address to our ::1 and picks that pair).
        if (!CanPair(localBase, source))
        {
            Interlocked.Increment(ref _unknownSourceDropped);
            return;
        }
        if (!ResolveRoleConflict(request))
        {
            SendError(localBase, request, from, StunErrorCode.RoleConflict, default);
            return;
        }

        var writer = new StunMessageWriter(_stunBuffer, StunMessageClass.SuccessResponse, StunMethod.Binding, request.TransactionId);
        writer.AddXorMappedAddress(source);
        writer.AddMessageIntegrity(_localKey);
        writer.AddFingerprint();
        SendRaw(localBase, writer.Written, from);

        request.TryGetPriority(out uint priority);
        var pending = new PendingRequest(localBase, source, priority, request.HasUseCandidate);
        if (_remoteKey is null)
        {
            if (_pendingRequests.Count < MaxPendingRequests)
                _pendingRequests.Add(pending);
            return;
        }
        OnAuthenticCheck(pending);
    }

    private bool IsAuthenticRequest(StunMessage request)
    {
        ReadOnlySpan<byte> username = request.UsernameBytes;
        int ufragLength = Encoding.UTF8.GetByteCount(LocalUfrag);
        Span<byte> expectedPrefix = stackalloc byte[ufragLength + 1];
        Encoding.UTF8.GetBytes(LocalUfrag, expectedPrefix);
        expectedPrefix[ufragLength] = (byte)':';
        return username.StartsWith(expectedPrefix) && request.VerifyMessageIntegrity(_localKey);
    }

    // RFC 8445 section 7.3.1.1; false when we keep our role and the peer must switch (487).
    private bool ResolveRoleConflict(StunMessage request)
    {
        bool conflict = _role == IceRole.Controlling
            ? request.TryGetIceControlling(out ulong theirs)
            : request.TryGetIceControlled(out theirs);
        if (!conflict)
            return true;
        Interlocked.Increment(ref _roleConflicts);
        bool weWin = _tieBreaker >= theirs;
        if (_role == IceRole.Controlling && weWin)
            return false;
        if (_role == IceRole.Controlled && !weWin)
            return false;
        SwitchRole();
        return true;
    }

    private void SwitchRole()
    {
        _role = _role == IceRole.Controlling ? IceRole.Controlled : IceRole.Controlling;
        _nominating = null;
        PrioritisePairs();
    }

    private void SendError(IceLocalBase localBase, StunMessage request, SocketAddress to, int code, ReadOnlySpan<ushort> unknownAttributes)
    {
        var writer = new StunMessageWriter(_stunBuffer, StunMessageClass.ErrorResponse, StunMethod.Binding, request.TransactionId);
        writer.AddErrorCode(code, StunErrorCode.ReasonPhrase(code));
        if (!unknownAttributes.IsEmpty)
            writer.AddUnknownAttributes(unknownAttributes);
        // A 487 is authenticated; 400/401/420 cannot be, the request was not.
        if (code == StunErrorCode.RoleConflict)
            writer.AddMessageIntegrity(_localKey);
        writer.AddFingerprint();
        SendRaw(localBase, writer.Written, to);
    }

    private void ReplayPendingRequests()
    {
        foreach (PendingRequest pending in _pendingRequests)
            OnAuthenticCheck(pending);
        _pendingRequests.Clear();
    }

    private void OnAuthenticCheck(PendingRequest check)
    {
        IceRemote? remote = FindRemote(check.Source);
        if (remote is null)
        {
            // Peer-reflexive (RFC 8445 section 7.3.1.3): a source we were not told about.
            var candidate = new IceCandidate(
                "p" + (_remotes.Count + 1), Component, "udp", check.Priority, check.Source.Address.ToString(), check.Source.Port,
                IceCandidateType.PeerReflexive);
            remote = AddRemote(candidate);
            if (remote is null)
                return;
            MaybeStartChecking();
        }
        IceCandidatePair? pair = FindPair(check.Base, remote);
        if (pair is null)
            return;
        if (check.UseCandidate && _role == IceRole.Controlled)
        {
            pair.NominatedByPeer = true;
            if (pair.State == IcePairState.Succeeded)
                Select(pair);
        }
        if (pair.State is not (IcePairState.Succeeded or IcePairState.InProgress) && !_triggered.Contains(pair))
        {
            pair.State = IcePairState.Waiting;
            _triggered.Enqueue(pair);
        }
    }

    private void HandleResponse(StunMessage response, SocketAddress from)
    {
        StunTransactionId id = response.TransactionId;
        if (!_transactions.TryGetValue(id, out Transaction? transaction))
            return;
        if (transaction.Kind == TransactionKind.ServerReflexive)
        {
            _transactions.Remove(id);
            transaction.Mapped!.TrySetResult(
                response.Class == StunMessageClass.SuccessResponse && response.TryGetXorMappedAddress(out IPEndPoint mapped) ? mapped : null);
            return;
        }
        // Forged or corrupted answers are ignored and the transaction keeps waiting for the real one.
        if (!response.HasValidFingerprint || _remoteKey is null || !response.VerifyMessageIntegrity(_remoteKey))
        {
            Interlocked.Increment(ref _integrityFailures);
            return;
        }
        _transactions.Remove(id);
        IceCandidatePair pair = transaction.Pair!;
        if (!from.Equals(transaction.Destination))
        {
            // Not symmetric (RFC 8445 section 7.2.5.2.1).
            FailPair(pair);
            return;
        }
        if (response.Class == StunMessageClass.ErrorResponse)
        {
            OnErrorResponse(response, transaction, pair);
            return;
        }
        if (transaction.Kind == TransactionKind.Consent || pair == _selected)
        {
            _lastConsentMs = NowMs;
            _consentOutstandingSinceMs = -1;
            if (_state == IceConnectionState.Disconnected)
                SetState(IceConnectionState.Connected);
        }
        if (transaction.Kind != TransactionKind.Check)
            return;
        OnCheckSucceeded(pair, transaction.UseCandidate);
    }

    private void OnErrorResponse(StunMessage response, Transaction transaction, IceCandidatePair pair)
    {
        response.TryGetErrorCode(out int code, out _);
        if (code == StunErrorCode.RoleConflict && transaction.Kind == TransactionKind.Check)
        {
            Interlocked.Increment(ref _roleConflicts);
            if (_role == transaction.RoleWhenSent)
                SwitchRole();
            pair.State = IcePairState.Waiting;
            _triggered.Enqueue(pair);
            if (_nominating == pair)
                _nominating = null;
            return;
        }
        if (transaction.Kind == TransactionKind.Check)
            FailPair(pair);
    }

    private void OnCheckSucceeded(IceCandidatePair pair, bool useCandidate)
    {
        pair.State = IcePairState.Succeeded;
        if (_firstSuccessMs < 0)
            _firstSuccessMs = NowMs;
        foreach (IceCandidatePair other in _pairs)
        {
            if (other.State == IcePairState.Frozen && other.Foundation == pair.Foundation)
                other.State = IcePairState.Waiting;
        }
        if (useCandidate && _role == IceRole.Controlling)
            Select(pair);
        else if (pair.NominatedByPeer && _role == IceRole.Controlled)
            Select(pair);
    }
}
