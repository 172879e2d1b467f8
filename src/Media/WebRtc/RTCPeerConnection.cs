using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using Beryl.Media.Dtls;
using Beryl.Media.Engine;
using Beryl.Media.Ice;
using Beryl.Media.Sdp;
using Beryl.Media.Srtp;

namespace Beryl.Media.WebRtc;

/// <summary>
/// A WebRTC peer connection for one audio stream, in the browser's shape (and SIPSorcery's): offer/answer with
/// <see cref="createOffer"/>, <see cref="createAnswer"/>, <see cref="setLocalDescription"/> and
/// <see cref="setRemoteDescription"/>, trickle ICE with <see cref="onicecandidate"/> and <see cref="addIceCandidate"/>,
/// then ICE (RFC 8445), DTLS-SRTP (RFC 5764) with the signalled fingerprint verified, and SRTP audio with
/// <see cref="SendAudio"/> and <see cref="OnRtpPacketReceived"/>. Thread-safe; events come from the transport threads.
/// </summary>
public sealed class RTCPeerConnection : IAsyncDisposable, IAudioTransport
{
    private readonly object _sync = new();
    private readonly RTCConfiguration _configuration;
    private readonly DtlsCertificate _certificate;
    private readonly LocalAudioParameters _local;
    private readonly List<IceCandidate> _localCandidates = [];
    private readonly TaskCompletionSource _gatheringComplete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();

    // Events are queued under the lock and raised after it, in order, so handlers may call back into the connection.
    private readonly Queue<Action> _events = new();
    private readonly object _eventOrder = new();

    private IceAgent? _ice;
    private DtlsTransport? _dtls;
    private AudioRtpSession? _audio;
    private Task _closed = Task.CompletedTask;
    private NegotiatedAudio? _remote;
    private SdpSessionDescription? _remoteOffer;
    private DtlsFingerprint? _remoteFingerprint;
    private RTCSdpType? _localType;
    private bool _handshakeStarted;
    private SrtpProtectionProfile? _profile;
    private DtlsHandshakeFailure? _dtlsFailure;
    private long _unknownPackets, _earlyPackets, _rejectedCandidates;

    /// <summary>Creates a peer connection; nothing is bound or sent until a description is set.</summary>
    public RTCPeerConnection(RTCConfiguration? configuration = null)
    {
        _configuration = configuration ?? new RTCConfiguration();
        if (!_configuration.AudioCodecs.Any(c => !c.IsTelephoneEvent))
            throw new ArgumentException("at least one audio codec is needed", nameof(configuration));
        _certificate = _configuration.certificate ?? DtlsCertificate.Generate();
        _local = new LocalAudioParameters
        {
            IceUfrag = IceCredentials.NewUsernameFragment(),
            IcePwd = IceCredentials.NewPassword(),
            Fingerprint = _certificate.Fingerprint.ToString(),
            Codecs = _configuration.AudioCodecs,
            Ssrc = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue),
            Cname = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)),
            SessionId = (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue),
        };
    }

    /// <summary>Raised for each local candidate as it is gathered; then once with null at the end of gathering.</summary>
    public event Action<RTCIceCandidateInit?>? onicecandidate;

    /// <summary>Raised when <see cref="connectionState"/> changes.</summary>
    public event Action<RTCPeerConnectionState>? onconnectionstatechange;

    /// <summary>Raised when <see cref="iceConnectionState"/> changes.</summary>
    public event Action<RTCIceConnectionState>? oniceconnectionstatechange;

    /// <summary>Raised when <see cref="iceGatheringState"/> changes.</summary>
    public event Action<RTCIceGatheringState>? onicegatheringstatechange;

    /// <summary>Raised when <see cref="signalingState"/> changes.</summary>
    public event Action<RTCSignalingState>? onsignalingstatechange;

    /// <summary>Raised for each authenticated RTP packet of the negotiated audio format (or telephone-event).</summary>
    public event RtpPacketHandler? OnRtpPacketReceived;

    /// <summary>Raised for each authenticated RTCP compound packet.</summary>
    public event RtcpPacketHandler? OnRtcpPacketReceived;

    /// <summary>The aggregate state of ICE and DTLS.</summary>
    public RTCPeerConnectionState connectionState { get; private set; }

    /// <summary>The ICE state.</summary>
    public RTCIceConnectionState iceConnectionState { get; private set; }

    /// <summary>The ICE gathering state.</summary>
    public RTCIceGatheringState iceGatheringState { get; private set; }

    /// <summary>The offer/answer state.</summary>
    public RTCSignalingState signalingState { get; private set; }

    /// <summary>The local description with every candidate gathered so far, or null before one is set.</summary>
    public RTCSessionDescriptionInit? localDescription
    {
        get
        {
            lock (_sync)
            {
                return _localType is { } type ? new RTCSessionDescriptionInit { type = type, sdp = RenderLocal(type) } : null;
            }
        }
    }

    /// <summary>The remote description, or null before one is set.</summary>
    public RTCSessionDescriptionInit? remoteDescription { get; private set; }

    /// <summary>The audio codec both sides agreed on, once the offer/answer is complete.</summary>
    public SdpCodec? NegotiatedAudioFormat
    {
        get
        {
            lock (_sync)
                return signalingState == RTCSignalingState.stable ? _remote?.Codec : null;
        }
    }

    /// <summary>This peer's DTLS certificate (reusable across connections).</summary>
    public DtlsCertificate Certificate => _certificate;

    private bool EndOfLocalCandidates => iceGatheringState == RTCIceGatheringState.complete;

    /// <summary>Creates an offer for one audio m-line (DTLS role actpass: the answerer chooses).</summary>
    public RTCSessionDescriptionInit createOffer()
    {
        lock (_sync)
        {
            ThrowIfClosed();
            if (signalingState == RTCSignalingState.have_remote_offer)
                throw new InvalidOperationException("a remote offer is pending: create an answer");
            return new RTCSessionDescriptionInit { type = RTCSdpType.offer, sdp = RenderLocal(RTCSdpType.offer) };
        }
    }

    /// <summary>Answers the remote offer: its audio m-line accepted, every other m-line rejected with port 0.</summary>
    public RTCSessionDescriptionInit createAnswer()
    {
        lock (_sync)
        {
            ThrowIfClosed();
            if (signalingState != RTCSignalingState.have_remote_offer)
                throw new InvalidOperationException("an answer needs a remote offer");
            return new RTCSessionDescriptionInit { type = RTCSdpType.answer, sdp = RenderLocal(RTCSdpType.answer) };
        }
    }

    /// <summary>
    /// Applies a description this peer created: starts gathering (candidates arrive through <see cref="onicecandidate"/>)
    /// and, once both descriptions are set, connectivity checks.
    /// </summary>
    /// <exception cref="InvalidOperationException">The description does not fit the signaling state.</exception>
    public async Task setLocalDescription(RTCSessionDescriptionInit description)
    {
        ArgumentNullException.ThrowIfNull(description);
        IceAgent ice;
        lock (_sync)
        {
            ThrowIfClosed();
            switch (description.type)
            {
                case RTCSdpType.offer when signalingState == RTCSignalingState.stable && _localType is null:
                    _localType = RTCSdpType.offer;
                    SetSignalingState(RTCSignalingState.have_local_offer);
                    break;
                case RTCSdpType.answer when signalingState == RTCSignalingState.have_remote_offer:
                    _localType = RTCSdpType.answer;
                    SetSignalingState(RTCSignalingState.stable);
                    break;
                default:
                    throw new InvalidOperationException($"cannot set a local {description.type} in state {signalingState}");
            }
            ice = EnsureIceAgent();
            StartTransportsIfReady();
        }
        FlushEvents();
        if (ice.GatheringState == IceGatheringState.New)
            await ice.GatherAsync(_closing.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the peer's description. Bad or unsupported SDP is refused with an error (the connection stays usable);
    /// it never throws for the SDP's content.
    /// </summary>
    public SetDescriptionResult setRemoteDescription(RTCSessionDescriptionInit description)
    {
        ArgumentNullException.ThrowIfNull(description);
        lock (_sync)
        {
            if (signalingState == RTCSignalingState.closed)
                return SetDescriptionResult.Failure("the connection is closed");
            bool isOffer = description.type == RTCSdpType.offer;
            if (isOffer ? signalingState != RTCSignalingState.stable || _remote is not null
                        : description.type != RTCSdpType.answer || signalingState != RTCSignalingState.have_local_offer)
                return SetDescriptionResult.Failure($"a remote {description.type} does not fit the signaling state {signalingState}");
            if (!TryReadRemote(description.sdp, isOffer, out SdpSessionDescription? sdp, out NegotiatedAudio? remote, out DtlsFingerprint? fingerprint, out string? error))
                return SetDescriptionResult.Failure(error);

            _remote = remote;
            _remoteOffer = isOffer ? sdp : null;
            _remoteFingerprint = fingerprint;
            remoteDescription = description;
            SetSignalingState(isOffer ? RTCSignalingState.have_remote_offer : RTCSignalingState.stable);
            IceAgent ice = EnsureIceAgent();
            ice.SetRemoteCredentials(remote.IceUfrag, remote.IcePwd);
            foreach (string line in remote.Candidates)
                AddRemoteCandidate(ice, line);
            if (remote.EndOfCandidates)
                ice.EndOfRemoteCandidates();
            StartTransportsIfReady();
        }
        FlushEvents();
        return SetDescriptionResult.Success;
    }

    private bool TryReadRemote(string? text, bool isOffer, [NotNullWhen(true)] out SdpSessionDescription? sdp,
        [NotNullWhen(true)] out NegotiatedAudio? audio, [NotNullWhen(true)] out DtlsFingerprint? fingerprint, [NotNullWhen(false)] out string? error)
    {
        audio = null;
        fingerprint = null;
        if (!SdpSessionDescription.TryParse(text, out sdp, out error))
        {
            error ??= "unparsable SDP";
            return false;
        }
        bool usable = isOffer
            ? SdpOfferAnswer.TryCreateAnswer(sdp!, _local, out _, out audio, out error)
            : SdpOfferAnswer.TryGetNegotiatedAudio(sdp!, _local.Codecs, out audio, out error);
        if (!usable)
        {
            error ??= "no usable audio section";
            return false;
        }
        if (!isOffer && audio!.Setup is not (SdpSetupRole.Active or SdpSetupRole.Passive))
            error = $"an answer's a=setup must be active or passive, not {audio.Setup}";
        else if (!DtlsFingerprint.TryParse(audio!.Fingerprint, out fingerprint))
            error = $"unusable a=fingerprint '{audio.Fingerprint}'";
        return error is null;
    }

    /// <summary>Our offer or answer with the candidates gathered so far.</summary>
    private string RenderLocal(RTCSdpType type)
    {
        var local = _local with { Candidates = [.. _localCandidates.Select(c => c.ToString())], EndOfCandidates = EndOfLocalCandidates };
        if (type == RTCSdpType.offer)
            return SdpOfferAnswer.CreateOffer(local).ToString();
        // The remote offer was checked when it was set, so it is answerable.
        if (!SdpOfferAnswer.TryCreateAnswer(_remoteOffer!, local, out SdpSessionDescription? answer, out _, out string? error))
            throw new InvalidOperationException(error);
        return answer!.ToString();
    }

    /// <summary>
    /// Adds a trickled remote candidate; an empty candidate means end-of-candidates. Returns false (and counts it) for a
    /// candidate that cannot be parsed or used, or that comes before the remote description.
    /// </summary>
    public bool addIceCandidate(RTCIceCandidateInit candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (_sync)
        {
            if (_ice is null || _remote is null || signalingState == RTCSignalingState.closed)
            {
                _rejectedCandidates++;
                return false;
            }
            if (candidate.usernameFragment is { Length: > 0 } ufrag && ufrag != _remote.IceUfrag)
            {
                _rejectedCandidates++;
                return false;
            }
            if (string.IsNullOrWhiteSpace(candidate.candidate))
            {
                _ice.EndOfRemoteCandidates();
                return true;
            }
            return AddRemoteCandidate(_ice, candidate.candidate);
        }
    }

    private bool AddRemoteCandidate(IceAgent ice, string line)
    {
        if (!IceCandidate.TryParse(line, out IceCandidate parsed))
        {
            _rejectedCandidates++;
            return false;
        }
        ice.AddRemoteCandidate(parsed);
        return true;
    }

    /// <summary>Completes when local gathering is complete (so <see cref="localDescription"/> carries every candidate).</summary>
    public async Task WaitForGatheringCompleteAsync(TimeSpan timeout)
    {
        Task done = await Task.WhenAny(_gatheringComplete.Task, Task.Delay(timeout, _closing.Token)).ConfigureAwait(false);
        if (done != _gatheringComplete.Task)
            throw new TimeoutException($"ICE gathering did not complete within {timeout}");
    }

    /// <summary>
    /// Sends one encoded audio payload covering <paramref name="durationRtpUnits"/> of the RTP clock, with the negotiated
    /// payload type. Returns false while not connected. An empty payload sends nothing and only advances the RTP
    /// timestamp (discontinuous transmission); the next payload sent starts a talkspurt with the marker bit.
    /// </summary>
    public bool SendAudio(uint durationRtpUnits, ReadOnlySpan<byte> payload) =>
        _audio is { } audio && connectionState == RTCPeerConnectionState.connected && audio.SendAudio(durationRtpUnits, payload, marker: false, payloadType: null);

    /// <summary>Counters of every layer, for monitoring and tests.</summary>
    public RTCPeerConnectionStatistics GetStatistics()
    {
        lock (_sync)
        {
            return new RTCPeerConnectionStatistics(
                _audio?.Statistics ?? default,
                _ice?.Statistics ?? default,
                _dtls?.Counters ?? default,
                _profile,
                _dtlsFailure,
                _ice?.SelectedRemoteEndPoint,
                Interlocked.Read(ref _unknownPackets),
                Interlocked.Read(ref _earlyPackets),
                _rejectedCandidates);
        }
    }

    /// <summary>Closes the connection: a final RTCP BYE, DTLS close_notify, sockets and timers released.</summary>
    public void close()
    {
        AudioRtpSession? audio;
        DtlsTransport? dtls;
        IceAgent? ice;
        lock (_sync)
        {
            if (signalingState == RTCSignalingState.closed)
                return;
            SetSignalingState(RTCSignalingState.closed);
            audio = _audio;
            dtls = _dtls;
            ice = _ice;
            _audio = null;
            SetConnectionState(RTCPeerConnectionState.closed);
            SetIceState(RTCIceConnectionState.closed);
        }
        _closing.Cancel();
        if (audio is not null)
        {
            audio.SendGoodbye();
            audio.Dispose();
        }
        dtls?.Close();
        _closed = ice is null ? Task.CompletedTask : ice.DisposeAsync().AsTask();
        FlushEvents();
    }

    /// <summary>Closes the connection and waits until its sockets are released.</summary>
    public async ValueTask DisposeAsync()
    {
        close();
        await _closed.ConfigureAwait(false);
        _dtls?.Dispose();
        _closing.Dispose();
    }

    private IceAgentOptions IceOptions(IceRole role) => new()
    {
        Role = role,
        LocalUfrag = _local.IceUfrag,
        LocalPassword = _local.IcePwd,
        StunServers = [.. _configuration.iceServers.SelectMany(s => s.urls).Where(u => u.StartsWith("stun:", StringComparison.OrdinalIgnoreCase)).Select(u => u[5..])],
        IncludeLoopback = _configuration.IncludeLoopback,
        LoopbackOnly = _configuration.LoopbackOnly,
        EnableIPv6 = _configuration.EnableIPv6,
        PortMin = _configuration.PortMin,
        PortMax = _configuration.PortMax,
        DisconnectedTimeout = _configuration.IceDisconnectedTimeout,
        ConsentTimeout = _configuration.IceFailedTimeout,
    };

    private IceAgent EnsureIceAgent()
    {
        if (_ice is not null)
            return _ice;
        var ice = new IceAgent(IceOptions(_localType == RTCSdpType.offer ? IceRole.Controlling : IceRole.Controlled));
        ice.LocalCandidateGathered += (_, candidate) => OnLocalCandidate(candidate);
        ice.GatheringStateChanged += (_, state) => OnGatheringState(state);
        ice.StateChanged += (_, state) => OnIceState(state);
        ice.DatagramReceived += OnDatagram;
        _ice = ice;
        return ice;
    }

    /// <summary>Once both descriptions are known, the DTLS role follows from a=setup and the transport is created.</summary>
    private void StartTransportsIfReady()
    {
        if (_dtls is not null || _remote is null || _remoteFingerprint is null || _localType is null || signalingState != RTCSignalingState.stable)
            return;
        // A peer that is active connects to us; otherwise we connect: the answerer of an actpass offer is active, as
        // browsers are, and an offerer follows what the answer chose.
        DtlsRole role = _remote.Setup == SdpSetupRole.Active ? DtlsRole.Server : DtlsRole.Client;
        var dtls = new DtlsTransport(_certificate, role, datagram => _ice?.Send(datagram.Span), new DtlsTransportOptions { HandshakeTimeout = _configuration.DtlsHandshakeTimeout });
        dtls.SetRemoteFingerprint(_remoteFingerprint);
        _dtls = dtls;
        if (_ice!.State is IceConnectionState.Connected or IceConnectionState.Completed)
            StartHandshake();
    }

    private void StartHandshake()
    {
        if (_handshakeStarted || _dtls is null)
            return;
        _handshakeStarted = true;
        SetConnectionState(RTCPeerConnectionState.connecting);
        _ = RunHandshakeAsync(_dtls);
    }

    private async Task RunHandshakeAsync(DtlsTransport dtls)
    {
        DtlsSrtpKeys keys;
        try
        {
            keys = await dtls.HandshakeAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DtlsHandshakeException or OperationCanceledException or ObjectDisposedException)
        {
            lock (_sync)
            {
                _dtlsFailure = ex is DtlsHandshakeException failure ? failure.Reason : DtlsHandshakeFailure.Closed;
                if (signalingState != RTCSignalingState.closed)
                    SetConnectionState(RTCPeerConnectionState.failed);
            }
            FlushEvents();
            return;
        }
        lock (_sync)
        {
            if (signalingState == RTCSignalingState.closed)
                return;
            _profile = keys.Profile;
            var audio = new AudioRtpSession(new SrtpContext(keys.LocalKeys), new SrtpContext(keys.RemoteKeys),
                datagram => _ice?.Send(datagram.Span) == true, _remote!, _local.Ssrc, _local.Cname, _configuration.RtcpInterval);
            audio.RtpReceived += (in header, payload) => OnRtpPacketReceived?.Invoke(header, payload);
            audio.RtcpReceived += compound => OnRtcpPacketReceived?.Invoke(compound);
            _audio = audio;
            UpdateConnectionState();
        }
        FlushEvents();
    }

    private void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        switch (PacketClassifier.Classify(datagram))
        {
            case PacketKind.Dtls when _dtls is { } dtls:
                dtls.DeliverDatagram(datagram);
                break;
            case PacketKind.Rtp when _audio is { } audio:
                audio.OnDatagram(datagram);
                break;
            case PacketKind.Rtp or PacketKind.Dtls:
                Interlocked.Increment(ref _earlyPackets);
                break;
            default:
                Interlocked.Increment(ref _unknownPackets);
                break;
        }
    }

    private void OnLocalCandidate(IceCandidate candidate)
    {
        lock (_sync)
        {
            _localCandidates.Add(candidate);
            Raise(() => onicecandidate?.Invoke(new RTCIceCandidateInit
            {
                candidate = candidate.ToString(),
                sdpMid = _remote?.Mid ?? _local.Mid,
                sdpMLineIndex = 0,
                usernameFragment = _local.IceUfrag,
            }));
        }
        FlushEvents();
    }

    private void OnGatheringState(IceGatheringState state)
    {
        lock (_sync)
        {
            var mapped = state switch
            {
                IceGatheringState.Gathering => RTCIceGatheringState.gathering,
                IceGatheringState.Complete => RTCIceGatheringState.complete,
                _ => RTCIceGatheringState.@new,
            };
            if (mapped == iceGatheringState)
                return;
            iceGatheringState = mapped;
            Raise(() => onicegatheringstatechange?.Invoke(mapped));
            if (mapped == RTCIceGatheringState.complete)
            {
                Raise(() => onicecandidate?.Invoke(null));
                Raise(() => _gatheringComplete.TrySetResult());
            }
        }
        FlushEvents();
    }

    private void OnIceState(IceConnectionState state)
    {
        lock (_sync)
        {
            if (signalingState == RTCSignalingState.closed)
                return;
            SetIceState(state switch
            {
                IceConnectionState.Checking => RTCIceConnectionState.checking,
                IceConnectionState.Connected => RTCIceConnectionState.connected,
                IceConnectionState.Completed => RTCIceConnectionState.completed,
                IceConnectionState.Failed => RTCIceConnectionState.failed,
                IceConnectionState.Disconnected => RTCIceConnectionState.disconnected,
                IceConnectionState.Closed => RTCIceConnectionState.closed,
                _ => RTCIceConnectionState.@new,
            });
            if (state is IceConnectionState.Connected or IceConnectionState.Completed)
                StartHandshake();
            UpdateConnectionState();
        }
        FlushEvents();
    }

    /// <summary>The W3C rule: failed if any transport failed, then disconnected, connecting, connected.</summary>
    private void UpdateConnectionState()
    {
        if (connectionState == RTCPeerConnectionState.closed)
            return;
        DtlsTransportState dtls = _dtls?.State ?? DtlsTransportState.New;
        RTCPeerConnectionState next = iceConnectionState switch
        {
            RTCIceConnectionState.failed => RTCPeerConnectionState.failed,
            _ when dtls == DtlsTransportState.Failed => RTCPeerConnectionState.failed,
            RTCIceConnectionState.disconnected => RTCPeerConnectionState.disconnected,
            RTCIceConnectionState.connected or RTCIceConnectionState.completed when _audio is not null => RTCPeerConnectionState.connected,
            RTCIceConnectionState.@new when !_handshakeStarted => RTCPeerConnectionState.@new,
            _ => RTCPeerConnectionState.connecting,
        };
        SetConnectionState(next);
    }

    private void SetConnectionState(RTCPeerConnectionState state)
    {
        if (connectionState == state || connectionState == RTCPeerConnectionState.closed)
            return;
        connectionState = state;
        Raise(() => onconnectionstatechange?.Invoke(state));
    }

    private void SetIceState(RTCIceConnectionState state)
    {
        if (iceConnectionState == state)
            return;
        iceConnectionState = state;
        Raise(() => oniceconnectionstatechange?.Invoke(state));
    }

    private void SetSignalingState(RTCSignalingState state)
    {
        if (signalingState == state)
            return;
        signalingState = state;
        Raise(() => onsignalingstatechange?.Invoke(state));
    }

    private void ThrowIfClosed()
    {
        if (signalingState == RTCSignalingState.closed)
            throw new InvalidOperationException("the connection is closed");
    }

    private void Raise(Action raise) => _events.Enqueue(raise);

    private void FlushEvents()
    {
        lock (_eventOrder)
        {
            while (true)
            {
                Action? next;
                lock (_sync)
                {
                    if (!_events.TryDequeue(out next))
                        return;
                }
                next();
            }
        }
    }
}
