namespace Beryl.Aec;

/// <summary>Which of the two linear filters produced the last output frame.</summary>
public enum ActiveFilter
{
    /// <summary>The fixed filter, refreshed from the adaptive one when that one is better.</summary>
    Fixed,

    /// <summary>The adaptive filter, used directly in the frame in which it was copied.</summary>
    Adaptive,
}

/// <summary>A snapshot of the canceller's state, updated once per capture frame.</summary>
public readonly record struct EchoCancellerStatistics
{
    /// <summary>Estimated render-to-capture delay in ms (negative: capture leads render).</summary>
    public double DelayMs { get; init; }

    /// <summary>Confidence of <see cref="DelayMs"/>, 0 (no idea) to 1 (certain).</summary>
    public double DelayConfidence { get; init; }

    /// <summary>Estimated clock drift of capture against render, in parts per million.</summary>
    public double DriftPpm { get; init; }

    /// <summary>Echo return loss enhancement of the whole canceller, smoothed, in dB.</summary>
    public double ErleDb { get; init; }

    /// <summary>Echo return loss enhancement of the linear filter alone, smoothed, in dB.</summary>
    public double LinearErleDb { get; init; }

    /// <summary>True while near-end speech and echo are present together.</summary>
    public bool DoubleTalk { get; init; }

    /// <summary>True while the far end is active (there is echo to cancel).</summary>
    public bool FarEndActive { get; init; }

    /// <summary>Which filter produced the last frame.</summary>
    public ActiveFilter ActiveFilter { get; init; }

    /// <summary>How often the adaptive filter diverged and was reset from the fixed one.</summary>
    public long DivergenceCount { get; init; }

    /// <summary>How often the adaptive filter's coefficients were copied to the fixed filter.</summary>
    public long FilterCopyCount { get; init; }

    /// <summary>How often the render alignment was moved (delay change or drift).</summary>
    public long RealignmentCount { get; init; }

    /// <summary>Capture frames processed.</summary>
    public long FramesProcessed { get; init; }

    /// <summary>Render frames dropped because the capture side did not read them in time.</summary>
    public long RenderOverruns { get; init; }

    /// <summary>Capture frames that needed render audio that had not arrived yet.</summary>
    public long RenderUnderruns { get; init; }
}
