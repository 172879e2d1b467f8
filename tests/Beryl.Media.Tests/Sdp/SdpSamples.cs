using Beryl.Media.Sdp;

namespace Beryl.Media.Tests.Sdp;

/// <summary>The SDP samples copied next to the test assembly, read with CRLF line ends as browsers send them.</summary>
internal static class SdpSamples
{
    public const string Chrome = "chrome-offer.sdp";
    public const string Firefox = "firefox-offer.sdp";
    public const string Aiortc = "aiortc-offer.sdp";

    /// <summary>aiortc's answer to the offer <c>SdpOfferAnswer.CreateOffer</c> makes from <c>SdpOfferAnswerTests.Local</c> with one host candidate.</summary>
    public const string AiortcAnswer = "aiortc-answer-to-beryl.sdp";

    /// <summary>The offers.</summary>
    public static readonly string[] All = [Chrome, Firefox, Aiortc];

    /// <summary>Offers and answers.</summary>
    public static readonly string[] Everything = [.. All, AiortcAnswer];

    public static string Text(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Sdp", "Samples", name)).ReplaceLineEndings("\r\n");

    public static SdpSessionDescription Parse(string name) => ParseText(Text(name));

    public static SdpSessionDescription ParseText(string text)
    {
        bool ok = SdpSessionDescription.TryParse(text, out var sdp, out string? error);
        Assert.That(ok, Is.True, error);
        Assert.That(error, Is.Null);
        return sdp!;
    }
}
