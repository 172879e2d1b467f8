namespace Beryl.Media.Dtls;

/// <summary>Why a DTLS-SRTP handshake did not produce keys.</summary>
public enum DtlsHandshakeFailure
{
    /// <summary>The peer's certificate does not match any fingerprint signalled for it.</summary>
    RemoteFingerprintMismatch,

    /// <summary>No remote fingerprint was set before the handshake needed it, so the peer could not be authenticated.</summary>
    RemoteFingerprintMissing,

    /// <summary>The peer sent no certificate.</summary>
    RemoteCertificateMissing,

    /// <summary>The peers share no SRTP protection profile, or the server's <c>use_srtp</c> answer is invalid.</summary>
    NoCommonSrtpProfile,

    /// <summary>The peer aborted the handshake with a fatal alert (see <see cref="DtlsHandshakeException.AlertDescription"/>).</summary>
    AlertReceived,

    /// <summary>The handshake broke on a protocol error on this side (see the inner exception).</summary>
    ProtocolError,

    /// <summary><see cref="DtlsTransportOptions.HandshakeTimeout"/> elapsed.</summary>
    Timeout,

    /// <summary>The transport was closed while the handshake was running.</summary>
    Closed,
}

/// <summary>A DTLS-SRTP handshake failed; <see cref="Reason"/> says why.</summary>
public sealed class DtlsHandshakeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the handshake failed.</param>
    /// <param name="message">Human-readable detail.</param>
    /// <param name="alertDescription">The TLS alert description involved (received or sent), if any.</param>
    /// <param name="innerException">The underlying protocol exception, if any.</param>
    public DtlsHandshakeException(DtlsHandshakeFailure reason, string message, byte? alertDescription = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        AlertDescription = alertDescription;
    }

    /// <summary>Why the handshake failed.</summary>
    public DtlsHandshakeFailure Reason { get; }

    /// <summary>The TLS alert description (RFC 5246 section 7.2) received from or sent to the peer, if any.</summary>
    public byte? AlertDescription { get; }
}
