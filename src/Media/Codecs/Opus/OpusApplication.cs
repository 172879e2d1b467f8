namespace Beryl.Media.Codecs.Opus;

/// <summary>What an Opus encoder tunes itself for (<c>OPUS_APPLICATION_*</c>).</summary>
public enum OpusApplication
{
    /// <summary>Speech: favours intelligibility, with SILK and the speech-oriented analysis.</summary>
    Voip,

    /// <summary>Music and mixed content: favours fidelity to the input.</summary>
    Audio,
}
