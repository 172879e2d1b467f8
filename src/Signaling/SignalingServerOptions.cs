using System.Net;

namespace Beryl.Signaling;

/// <summary>Where the signaling server listens and what it serves.</summary>
public sealed record SignalingServerOptions
{
    /// <summary>The address to listen on; loopback by default, so nothing is reachable from elsewhere unless asked.</summary>
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>The TCP port; 0 picks a free one (see <see cref="SignalingServer.BaseAddress"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Limits on what one client may send.</summary>
    public SignalingLimits Limits { get; init; } = new();

    /// <summary>The HTML page served at <c>/</c>, or null for a plain text line.</summary>
    public string? PageHtml { get; init; }
}
