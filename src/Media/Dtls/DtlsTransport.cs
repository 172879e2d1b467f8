using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Tls;
using Org.BouncyCastle.Security;
using BcDtlsTransport = Org.BouncyCastle.Crypto.Tls.DtlsTransport;
using TlsCertificate = Org.BouncyCastle.Crypto.Tls.Certificate;

namespace Beryl.Media.Dtls;

/// <summary>
/// One DTLS-SRTP association (RFC 5764) over a datagram channel owned by someone else (the ICE agent): received DTLS
/// datagrams come in through <see cref="DeliverDatagram"/>, outgoing ones leave through the send callback. The
/// handshake runs on a dedicated thread; its product is the SRTP keys. Both sides authenticate each other by the
/// certificate fingerprints exchanged in SDP, so a fingerprint must be set (<see cref="SetRemoteFingerprint"/>)
/// before the peer's Certificate message is processed; until then the handshake waits for it.
/// </summary>
/// <remarks>
/// After the handshake the thread keeps reading DTLS records: it answers a peer that retransmits its last flight
/// (our Finished was lost) and notices the peer's close_notify. DTLS application data is ignored. BouncyCastle treats
/// a record that fails authentication as fatal, so a forged record from the ICE-validated peer address ends the
/// association (<see cref="DtlsTransportState.Failed"/>); the exported keys stay valid.
/// </remarks>
public sealed class DtlsTransport : IDisposable
{
    // The first record header byte of DTLS in RFC 7983's demultiplexing scheme, and DTLS's own framing.
    private const byte FirstDtlsByte = 20, LastDtlsByte = 63;
    private const byte FirstContentType = 20, LastContentType = 24;
    private const byte DtlsMajorVersion = 0xFE;
    private const int RecordHeaderLength = 13;
    private const int ConnectedReceiveWaitMillis = 60_000;

    private readonly object _gate = new();
    private readonly DtlsTransportOptions _options;
    private readonly DtlsDatagramChannel _channel;
    private readonly DtlsSrtpNegotiation _negotiation;
    private readonly ManualResetEventSlim _remoteFingerprintsSet = new(false);
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource<DtlsSrtpKeys> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DtlsFingerprint[] _remoteFingerprints = [];
    private DtlsTransportState _state = DtlsTransportState.New;
    private bool _handshakeStarted;
    private bool _handshakeSettled;
    private bool _closeRequested;
    private bool _waitingForRemoteFingerprint;
    private bool _cancelledByCaller;
    private (DtlsHandshakeFailure Reason, string Message)? _failure;
    private CancellationToken _callerToken;
    private CancellationTokenSource? _deadline;
    private CancellationTokenRegistration _deadlineRegistration;
    private BcDtlsTransport? _association;
    private Thread? _thread;

    private long _datagramsReceived;
    private long _droppedMalformed;
    private long _droppedOversized;
    private long _droppedQueueFull;
    private long _fingerprintMismatches;
    private long _handshakeFailures;

    /// <summary>Creates an idle transport; nothing is sent before <see cref="HandshakeAsync"/>.</summary>
    /// <param name="localCertificate">This endpoint's identity; its fingerprint is what the local SDP signals.</param>
    /// <param name="role">Client or server, from the SDP <c>a=setup</c> negotiation.</param>
    /// <param name="sendDatagram">
    /// Sends one datagram to the peer (through ICE). The memory is only valid during the call. Called from the DTLS
    /// thread and from <see cref="Close"/>.
    /// </param>
    /// <param name="options">Tuning; null for the defaults.</param>
    public DtlsTransport(DtlsCertificate localCertificate, DtlsRole role, Action<ReadOnlyMemory<byte>> sendDatagram, DtlsTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(localCertificate);
        ArgumentNullException.ThrowIfNull(sendDatagram);
        if (!Enum.IsDefined(role))
            throw new ArgumentOutOfRangeException(nameof(role), role, "unknown DTLS role");
        _options = options ?? new DtlsTransportOptions();
        _options.Validate();
        Role = role;
        LocalCertificate = localCertificate;
        _channel = new DtlsDatagramChannel(_options.ReceiveQueueCapacity, _options.MaxReceiveDatagramSize, _options.Mtu, sendDatagram);
        _negotiation = new DtlsSrtpNegotiation(localCertificate, [.. _options.SrtpProfiles], VerifyRemoteCertificate, RecordFailure);
    }

    /// <summary>Raised on every state change, from the DTLS thread or the thread calling <see cref="Close"/>. Exceptions thrown by handlers are ignored.</summary>
    public event EventHandler<DtlsTransportState>? StateChanged;

    /// <summary>The handshake role.</summary>
    public DtlsRole Role { get; }

    /// <summary>This endpoint's identity.</summary>
    public DtlsCertificate LocalCertificate { get; }

    /// <summary>The current state.</summary>
    public DtlsTransportState State
    {
        get
        {
            lock (_gate)
                return _state;
        }
    }

    /// <summary>A snapshot of the traffic and refusal counters.</summary>
    public DtlsTransportCounters Counters => new()
    {
        DatagramsReceived = Interlocked.Read(ref _datagramsReceived),
        DatagramsSent = _channel.Sent,
        DroppedMalformed = Interlocked.Read(ref _droppedMalformed),
        DroppedOversized = Interlocked.Read(ref _droppedOversized),
        DroppedQueueFull = Interlocked.Read(ref _droppedQueueFull),
        FingerprintMismatches = Interlocked.Read(ref _fingerprintMismatches),
        HandshakeFailures = Interlocked.Read(ref _handshakeFailures),
    };

    /// <summary>Whether the DTLS thread is still running.</summary>
    internal bool IsThreadAlive
    {
        get
        {
            lock (_gate)
                return _thread?.IsAlive ?? false;
        }
    }

    /// <summary>Received datagrams the DTLS thread has not read yet.</summary>
    internal int PendingDatagrams => _channel.Pending;

    /// <summary>
    /// Whether a datagram belongs to DTLS by RFC 7983's demultiplexing rule (first byte 20 to 63), for a receive
    /// path that also carries STUN and SRTP.
    /// </summary>
    public static bool IsDtlsDatagram(ReadOnlySpan<byte> datagram) =>
        !datagram.IsEmpty && datagram[0] is >= FirstDtlsByte and <= LastDtlsByte;

    /// <summary>Sets the one fingerprint the peer's certificate must match.</summary>
    public void SetRemoteFingerprint(DtlsFingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        SetRemoteFingerprints([fingerprint]);
    }

    /// <summary>
    /// Sets the fingerprints signalled for the peer (SDP may carry several); its certificate must match one of them.
    /// May be called before or during the handshake; a handshake waiting for the peer's fingerprint resumes.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or contains null.</exception>
    public void SetRemoteFingerprints(IEnumerable<DtlsFingerprint> fingerprints)
    {
        ArgumentNullException.ThrowIfNull(fingerprints);
        DtlsFingerprint[] copy = [.. fingerprints];
        if (copy.Length == 0 || Array.IndexOf(copy, null) >= 0)
            throw new ArgumentException("at least one fingerprint, and no null ones, are needed", nameof(fingerprints));
        lock (_gate)
            _remoteFingerprints = copy;
        _remoteFingerprintsSet.Set();
    }

    /// <summary>
    /// Hands over one datagram received from the peer. Copies it into the bounded receive queue; drops (and counts)
    /// datagrams that are oversized, not DTLS records, or arrive while the queue is full. Never throws, never
    /// allocates; a no-op once the transport is closed or failed.
    /// </summary>
    public void DeliverDatagram(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > _options.MaxReceiveDatagramSize)
        {
            Interlocked.Increment(ref _droppedOversized);
            return;
        }
        if (!HasDtlsRecordFraming(datagram))
        {
            Interlocked.Increment(ref _droppedMalformed);
            return;
        }
        switch (_channel.TryEnqueue(datagram))
        {
            case DtlsDatagramChannel.EnqueueResult.Queued:
                Interlocked.Increment(ref _datagramsReceived);
                break;
            case DtlsDatagramChannel.EnqueueResult.Full:
                Interlocked.Increment(ref _droppedQueueFull);
                break;
        }
    }

    /// <summary>
    /// Runs the handshake (once per transport) on a dedicated thread and returns the SRTP keys once the peer is
    /// authenticated. Fails with <see cref="DtlsHandshakeException"/> (state <see cref="DtlsTransportState.Failed"/>)
    /// on refusal, error or timeout, and with <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> fires first.
    /// </summary>
    /// <exception cref="InvalidOperationException">The handshake was already started.</exception>
    /// <exception cref="ObjectDisposedException">The transport is closed.</exception>
    public Task<DtlsSrtpKeys> HandshakeAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closeRequested, this);
            if (_handshakeStarted)
                throw new InvalidOperationException("the handshake runs once per transport");
            _handshakeStarted = true;
            _callerToken = cancellationToken;
            _state = DtlsTransportState.Connecting;
            _thread = new Thread(Run) { IsBackground = true, Name = $"DTLS {Role}" };
        }
        RaiseStateChanged(DtlsTransportState.Connecting);
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _deadline.CancelAfter(_options.HandshakeTimeout);
        _deadlineRegistration = _deadline.Token.UnsafeRegister(static state => ((DtlsTransport)state!).OnDeadline(), this);
        _thread.Start();
        return _handshake.Task;
    }

    /// <summary>
    /// Ends the association: sends close_notify if connected, aborts a running handshake (which then fails with
    /// <see cref="DtlsHandshakeFailure.Closed"/>), and waits for the DTLS thread to finish. Idempotent.
    /// </summary>
    public void Close()
    {
        BcDtlsTransport? association;
        bool stateChanged;
        Thread? thread;
        lock (_gate)
        {
            if (_closeRequested)
                return;
            _closeRequested = true;
            association = _state == DtlsTransportState.Connected ? _association : null;
            stateChanged = _state != DtlsTransportState.Failed;
            _state = stateChanged ? DtlsTransportState.Closed : _state;
            if (_handshakeStarted && !_handshakeSettled)
                _failure ??= (DtlsHandshakeFailure.Closed, "the transport was closed during the handshake");
            thread = _thread;
        }
        try
        {
            association?.Close();
        }
        catch (Exception)
        {
            // close_notify is a courtesy; the peer notices consent expiry anyway.
        }
        Abort();
        if (thread is not null && thread != Thread.CurrentThread && thread.IsAlive)
            thread.Join(TimeSpan.FromSeconds(5));
        if (stateChanged)
            RaiseStateChanged(DtlsTransportState.Closed);
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    private void OnDeadline()
    {
        bool wakeOnly;
        lock (_gate)
        {
            if (!_handshakeStarted || _handshakeSettled)
                return;
            bool fingerprintMissing = _waitingForRemoteFingerprint && _remoteFingerprints.Length == 0;
            if (_callerToken.IsCancellationRequested)
                _cancelledByCaller = true;
            else if (fingerprintMissing)
                _failure ??= (DtlsHandshakeFailure.RemoteFingerprintMissing, "no remote fingerprint was set to verify the peer's certificate against");
            else
                _failure ??= (DtlsHandshakeFailure.Timeout, $"the DTLS handshake did not complete within {_options.HandshakeTimeout.TotalSeconds:0.###} s");
            // A handshake stuck on a missing fingerprint is woken with the channel still open, so the peer hears why.
            wakeOnly = fingerprintMissing && !_cancelledByCaller;
        }
        if (wakeOnly)
            _abort.Cancel();
        else
            Abort();
    }

    // Shutting the channel first keeps BouncyCastle's abort alert off the wire once we have let go.
    private void Abort()
    {
        _channel.ShutDown();
        _abort.Cancel();
    }

    private void Run()
    {
        BcDtlsTransport association;
        DtlsSrtpKeys keys;
        try
        {
            var random = new SecureRandom();
            association = Role == DtlsRole.Server
                ? new DtlsServerProtocol(random).Accept(new DtlsSrtpServer(_negotiation), _channel)
                : new DtlsClientProtocol(random).Connect(new DtlsSrtpClient(_negotiation), _channel);
            keys = _negotiation.Keys ?? throw new InvalidOperationException("the handshake completed without exporting keys");
        }
        catch (Exception e)
        {
            FailHandshake(e);
            return;
        }

        lock (_gate)
        {
            if (_failure is null && !_cancelledByCaller)
            {
                _handshakeSettled = true;
                _state = DtlsTransportState.Connected;
                _association = association;
            }
        }
        if (_association is null)
        {
            FailHandshake(new OperationCanceledException("the handshake was aborted as it completed"));
            return;
        }
        StopDeadline();
        RaiseStateChanged(DtlsTransportState.Connected);
        _handshake.TrySetResult(keys);
        ServeUntilClosed(association);
    }

    private void FailHandshake(Exception error)
    {
        DtlsHandshakeException failure;
        bool cancelled, stateChanged;
        byte? alertSent = (error as TlsFatalAlert)?.AlertDescription;
        lock (_gate)
        {
            _handshakeSettled = true;
            cancelled = _cancelledByCaller;
            if (_failure is { } known)
                failure = new DtlsHandshakeException(known.Reason, known.Message, alertSent, error);
            else if (_negotiation.FatalAlertReceived is byte received)
                failure = new DtlsHandshakeException(DtlsHandshakeFailure.AlertReceived, $"the peer aborted the handshake with a fatal {AlertDescription.GetText(received)} alert", received, error);
            else
                failure = new DtlsHandshakeException(DtlsHandshakeFailure.ProtocolError, "the DTLS handshake failed: " + error.Message, alertSent, error);
            stateChanged = _state == DtlsTransportState.Connecting;
            if (stateChanged)
                _state = DtlsTransportState.Failed;
        }
        Interlocked.Increment(ref _handshakeFailures);
        Abort();
        StopDeadline();
        if (stateChanged)
            RaiseStateChanged(DtlsTransportState.Failed);
        if (cancelled)
            _handshake.TrySetCanceled(_callerToken);
        else
            _handshake.TrySetException(failure);
    }

    private void StopDeadline()
    {
        _deadlineRegistration.Dispose();
        _deadline?.Dispose();
    }

    // Keeps the record layer turning after the handshake: retransmitted final flights get answered, close_notify noticed.
    private void ServeUntilClosed(BcDtlsTransport association)
    {
        var buffer = new byte[Math.Max(association.GetReceiveLimit(), 1)];
        try
        {
            while (!_negotiation.CloseNotifyReceived)
                association.Receive(buffer, 0, buffer.Length, ConnectedReceiveWaitMillis);
        }
        catch (Exception)
        {
            // Closed locally or by the peer, a fatal alert, or a record that failed authentication: the end in every case.
        }
        DtlsTransportState next = _negotiation.CloseNotifyReceived ? DtlsTransportState.Closed : DtlsTransportState.Failed;
        lock (_gate)
        {
            if (_closeRequested)
                return;
            _closeRequested = true;
            _state = next;
        }
        Abort();
        RaiseStateChanged(next);
    }

    private DtlsFingerprint VerifyRemoteCertificate(TlsCertificate chain)
    {
        byte[] der = chain.GetCertificateAt(0).GetEncoded(Asn1Encodable.Der);
        lock (_gate)
            _waitingForRemoteFingerprint = true;
        try
        {
            _remoteFingerprintsSet.Wait(_abort.Token);
        }
        catch (OperationCanceledException)
        {
            // Whoever aborted recorded why; unless the fingerprint never came, the channel is already shut and the alert goes nowhere.
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
        finally
        {
            lock (_gate)
                _waitingForRemoteFingerprint = false;
        }
        DtlsFingerprint[] expected;
        lock (_gate)
            expected = _remoteFingerprints;
        foreach (var fingerprint in expected)
        {
            if (fingerprint.Matches(der))
                return fingerprint;
        }
        Interlocked.Increment(ref _fingerprintMismatches);
        var actual = DtlsFingerprint.Compute(expected[0].Algorithm, der);
        throw _negotiation.Refuse(DtlsHandshakeFailure.RemoteFingerprintMismatch,
            $"the peer's certificate ({actual}) matches none of the signalled fingerprints ({string.Join(", ", (object[])expected)})", AlertDescription.bad_certificate);
    }

    private void RecordFailure(DtlsHandshakeFailure reason, string message)
    {
        lock (_gate)
            _failure ??= (reason, message);
    }

    private void RaiseStateChanged(DtlsTransportState state)
    {
        try
        {
            StateChanged?.Invoke(this, state);
        }
        catch (Exception)
        {
            // A handler's bug must not take down the DTLS thread or the caller of Close.
        }
    }

    /// <summary>
    /// Whether a datagram is a sequence of complete DTLS records (RFC 6347 4.1): known content type, DTLS version,
    /// lengths that add up exactly. BouncyCastle would drop the rest anyway; dropping it here keeps it out of the queue.
    /// </summary>
    internal static bool HasDtlsRecordFraming(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
            return false;
        while (!datagram.IsEmpty)
        {
            if (datagram.Length < RecordHeaderLength
                || datagram[0] is < FirstContentType or > LastContentType
                || datagram[1] != DtlsMajorVersion)
                return false;
            int recordLength = RecordHeaderLength + (datagram[11] << 8 | datagram[12]);
            if (recordLength > datagram.Length)
                return false;
            datagram = datagram[recordLength..];
        }
        return true;
    }
}
