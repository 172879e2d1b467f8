namespace Beryl.Media.Dtls;

/// <summary>
/// Which side of the DTLS handshake this endpoint plays. The peer connection derives it from the SDP <c>a=setup</c>
/// attribute (RFC 5763 section 5): <c>active</c> is the client, <c>passive</c> the server.
/// </summary>
public enum DtlsRole
{
    /// <summary>Sends the ClientHello (<c>a=setup:active</c>).</summary>
    Client,

    /// <summary>Waits for the ClientHello (<c>a=setup:passive</c>).</summary>
    Server,
}
