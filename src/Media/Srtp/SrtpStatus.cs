namespace Beryl.Media.Srtp;

/// <summary>Outcome of protecting or unprotecting one packet with an <see cref="SrtpContext"/>.</summary>
public enum SrtpStatus
{
    /// <summary>The packet was protected or unprotected in place.</summary>
    Ok,

    /// <summary>The packet is too short, not version 2, or its header lies about its own length; it was dropped.</summary>
    Malformed,

    /// <summary>The buffer has no room for the authentication tag and SRTCP index (see <see cref="SrtpContext.MaxOverhead"/>).</summary>
    BufferTooSmall,

    /// <summary>The authentication tag does not match; the packet was dropped and no stream state changed.</summary>
    AuthenticationFailed,

    /// <summary>The packet index was already received (RFC 3711 section 3.3.2); the packet was dropped.</summary>
    Replayed,

    /// <summary>The packet index is behind the replay window, or before the first packet of its stream; the packet was dropped.</summary>
    TooOld,

    /// <summary>The packet belongs to a new SSRC and the context already tracks its maximum number of streams.</summary>
    StreamLimitReached,

    /// <summary>The SRTCP index (2^31 packets) of the stream is used up; the session must be rekeyed.</summary>
    KeyLifetimeExhausted,
}
