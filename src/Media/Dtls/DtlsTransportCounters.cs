namespace Beryl.Media.Dtls;

/// <summary>A snapshot of what a <see cref="DtlsTransport"/> received, sent and refused.</summary>
public readonly struct DtlsTransportCounters
{
    /// <summary>Datagrams accepted into the receive queue.</summary>
    public long DatagramsReceived { get; init; }

    /// <summary>Datagrams handed to the send callback.</summary>
    public long DatagramsSent { get; init; }

    /// <summary>Datagrams dropped because they are not well-formed DTLS records (bad first byte, truncated header, record lengths that do not add up).</summary>
    public long DroppedMalformed { get; init; }

    /// <summary>Datagrams dropped for exceeding <see cref="DtlsTransportOptions.MaxReceiveDatagramSize"/>.</summary>
    public long DroppedOversized { get; init; }

    /// <summary>Datagrams dropped because the receive queue was full.</summary>
    public long DroppedQueueFull { get; init; }

    /// <summary>Handshakes refused because the peer's certificate did not match its fingerprint.</summary>
    public long FingerprintMismatches { get; init; }

    /// <summary>Handshakes that failed for any reason (mismatches included).</summary>
    public long HandshakeFailures { get; init; }
}
