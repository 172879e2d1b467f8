using Beryl.Media.Node;

namespace Beryl.Signaling.Tests.Node;

/// <summary>
/// Whether the machine gave the node's audio thread its time. A call whose node stalls again and again (a shared box
/// whose CPUs other guests take) reaches its callers jittered and time-stretched throughout, and how it sounds then says
/// nothing about the node: such a case is inconclusive, as the in-process engine calls are when their threads starve.
/// </summary>
internal static class AudioTiming
{
    // A quiet 2-core machine starts a handful of a call's ticks late (under 1 %); a starved one a third of them or more,
    // and those calls' correlations fell from 0.8-0.95 to 0.2-0.5 whatever the node ran.
    private const double LateShareLimit = 0.05;

    /// <summary>Inconclusive when more than 5 % of the node's 10 ms ticks over <paramref name="running"/> started late.</summary>
    public static void AssumeNodeKeptTime(MediaNode node, TimeSpan running)
    {
        long ticks = (long)(running.TotalMilliseconds / 10);
        long late = node.LateAudioFrames;
        Assume.That(late, Is.LessThanOrEqualTo(ticks * LateShareLimit),
            $"the machine starved the node's audio thread ({late} of {ticks} ticks late): what the callers heard says nothing about the node");
    }
}
