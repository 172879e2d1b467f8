namespace Beryl.TestVectors;

/// <summary>A scenario's meta.json is malformed or misses required fields.</summary>
public sealed class ScenarioMetaException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public ScenarioMetaException(string message, Exception? inner = null) : base(message, inner) { }
}
