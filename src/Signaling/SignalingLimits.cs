namespace Beryl.Signaling;

/// <summary>What one signaling client may ask of the node; each limit answers with an error rather than a failure.</summary>
public sealed record SignalingLimits
{
    /// <summary>The largest message (WebSocket message or <c>POST /offer</c> body) read; a larger one is refused. 64 KiB by default.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>Messages a WebSocket may send per second on average; more are refused with an error.</summary>
    public double MessagesPerSecond { get; init; } = 20;

    /// <summary>Messages a WebSocket may send at once above the average (trickled candidates come in bursts).</summary>
    public int MessageBurst { get; init; } = 60;

    /// <summary>
    /// Refused messages after which a flooding WebSocket is closed (policy violation); the node has answered each with
    /// an error until then.
    /// </summary>
    public int MaxRefusedMessages { get; init; } = 200;

    /// <summary>WebSockets and <c>POST /offer</c> calls open at once from one client address; more get HTTP 429.</summary>
    public int MaxSessionsPerAddress { get; init; } = 16;

    /// <summary>How long <c>POST /offer</c> waits for the node's candidates before answering with those it has.</summary>
    public TimeSpan GatheringTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a WebSocket caller is sent the call's statistics; zero sends none.</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1024, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MessagesPerSecond, nameof(MessagesPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MessageBurst, nameof(MessageBurst));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRefusedMessages, nameof(MaxRefusedMessages));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxSessionsPerAddress, nameof(MaxSessionsPerAddress));
        if (GatheringTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(GatheringTimeout), GatheringTimeout, "must be positive");
        if (StatsInterval < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(StatsInterval), StatsInterval, "must not be negative");
    }
}
