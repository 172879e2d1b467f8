using Beryl.Media.Audio;

namespace Beryl.Media.Tests.Engine;

/// <summary>Plays to one sink and records into another.</summary>
internal sealed class TeeSink(IAudioSink first, IAudioSink second) : IAudioSink
{
    public AudioFormat Format => first.Format;

    public void Write(ReadOnlySpan<float> interleaved)
    {
        first.Write(interleaved);
        second.Write(interleaved);
    }
}
