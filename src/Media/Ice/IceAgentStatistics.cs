namespace Beryl.Media.Ice;

/// <summary>A snapshot of an <see cref="IceAgent"/>'s counters.</summary>
/// <param name="PacketsReceived">Datagrams received on all sockets.</param>
/// <param name="PacketsSent">Datagrams sent (STUN and data).</param>
/// <param name="DataPacketsDelivered">DTLS/RTP datagrams handed to <see cref="IceAgent.DatagramReceived"/>.</param>
/// <param name="StunParseFailures">STUN-looking datagrams that failed to parse or had a bad FINGERPRINT.</param>
/// <param name="IntegrityFailures">Requests or responses with a wrong or missing USERNAME or MESSAGE-INTEGRITY.</param>
/// <param name="UnknownPacketsDropped">Datagrams whose first byte is neither STUN, DTLS nor RTP (RFC 7983).</param>
/// <param name="UnknownSourceDropped">DTLS/RTP datagrams from addresses that are not remote candidates, and checks from addresses a local base cannot pair with.</param>
/// <param name="RoleConflicts">Role conflicts detected (RFC 8445 section 7.3.1.1), in requests and 487 responses.</param>
/// <param name="ReceiveErrors">Exceptions caught in the receive loops (socket errors, throwing event handlers).</param>
public readonly record struct IceAgentStatistics(
    long PacketsReceived,
    long PacketsSent,
    long DataPacketsDelivered,
    long StunParseFailures,
    long IntegrityFailures,
    long UnknownPacketsDropped,
    long UnknownSourceDropped,
    long RoleConflicts,
    long ReceiveErrors);
