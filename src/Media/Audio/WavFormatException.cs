namespace Beryl.Media.Audio;

/// <summary>
/// Thrown when a WAV file is malformed, truncated in its header, or uses an encoding Beryl does not
/// support. The message always starts with the file (or stream) name, e.g.
/// <c>far.wav: truncated 'fmt ' chunk (8 of 16 bytes)</c>.
/// </summary>
public sealed class WavFormatException : Exception
{
    /// <summary>Creates the exception for the named file or stream and a description of the problem.</summary>
    /// <param name="sourceName">The file path or stream name, shown first in the message.</param>
    /// <param name="problem">What is wrong, e.g. <c>missing 'data' chunk</c>.</param>
    public WavFormatException(string sourceName, string problem)
        : this(sourceName, problem, null)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    /// <param name="sourceName">The file path or stream name, shown first in the message.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The exception that caused this one, or null.</param>
    public WavFormatException(string sourceName, string problem, Exception? innerException)
        : base($"{sourceName}: {problem}", innerException)
    {
        SourceName = sourceName;
        Problem = problem;
    }

    /// <summary>The file path or stream name the problem was found in.</summary>
    public string SourceName { get; }

    /// <summary>The problem alone, without the source name.</summary>
    public string Problem { get; }
}
