using Beryl.Media.Srtp;

namespace Beryl.Media.Dtls;

/// <summary>
/// What a DTLS-SRTP handshake produces (RFC 5764 section 4.2): the negotiated profile and one master key and salt per
/// direction, plus the verified identity of the peer.
/// </summary>
public sealed class DtlsSrtpKeys
{
    internal DtlsSrtpKeys(SrtpKeyingMaterial localKeys, SrtpKeyingMaterial remoteKeys, DtlsFingerprint remoteFingerprint, int cipherSuite, bool extendedMasterSecret)
    {
        LocalKeys = localKeys;
        RemoteKeys = remoteKeys;
        RemoteFingerprint = remoteFingerprint;
        CipherSuite = cipherSuite;
        ExtendedMasterSecret = extendedMasterSecret;
    }

    /// <summary>The negotiated SRTP protection profile.</summary>
    public SrtpProtectionProfile Profile => LocalKeys.Profile;

    /// <summary>Keys this side protects its outgoing SRTP/SRTCP with (the client's or the server's write keys, by role).</summary>
    public SrtpKeyingMaterial LocalKeys { get; }

    /// <summary>Keys that unprotect incoming SRTP/SRTCP (the peer's write keys).</summary>
    public SrtpKeyingMaterial RemoteKeys { get; }

    /// <summary>The fingerprint the peer's certificate matched, in the algorithm that was signalled.</summary>
    public DtlsFingerprint RemoteFingerprint { get; }

    /// <summary>The negotiated TLS cipher suite (IANA value), for diagnostics.</summary>
    public int CipherSuite { get; }

    /// <summary>Whether the master secret is the RFC 7627 extended one; always true, since Beryl refuses peers without it.</summary>
    internal bool ExtendedMasterSecret { get; }
}
