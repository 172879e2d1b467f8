namespace Beryl.Media.Devices;

/// <summary>PortAudio is missing, or refused an operation; the message says which and why.</summary>
public sealed class PortAudioException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="errorCode">The PortAudio <c>PaError</c>, or 0 when the library itself could not be loaded.</param>
    public PortAudioException(string message, int errorCode = 0)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The PortAudio <c>PaError</c> (negative), or 0 when the library could not be loaded.</summary>
    public int ErrorCode { get; }
}
