using Beryl.Media.Audio;
using Beryl.TestVectors;
using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Metrics;
using Beryl.TestVectors.Synthesis;

namespace Beryl.Media.Tests.Engine;

/// <summary>
/// The two talkers of the end-to-end call and the measurements made on what B receives. B talks alone for 10 s (far-end
/// single talk for A's canceller), then A alone for 3 s, then both for 3 s.
/// </summary>
internal sealed class CallTalkers
{
    public const int SampleRate = 48000;
    public static readonly AudioFormat Format = new(SampleRate, 1);
    private const double CallSeconds = 16;
    private const double BAloneEnd = 10, AAloneEnd = 13;
    private const float SpeechRms = 0.05f;   // -26 dBFS while talking

    private CallTalkers(string talkerA, string talkerB, float[] speechA)
    {
        TalkerAFile = talkerA;
        TalkerBFile = talkerB;
        SpeechA = speechA;
    }

    /// <summary>A WAV file of A's talker (silent until 10 s).</summary>
    public string TalkerAFile { get; }

    /// <summary>A WAV file of B's talker (10 s of speech, 3 s of silence, 3 s of speech).</summary>
    public string TalkerBFile { get; }

    /// <summary>A's talker as it enters A's microphone, the reference for its quality at B.</summary>
    public float[] SpeechA { get; }

    /// <summary>10 ms frames in the call.</summary>
    public static int CallFrames => (int)(CallSeconds * 100);

    public static CallTalkers Create(string directory)
    {
        int total = (int)(CallSeconds * SampleRate);
        var a = new float[total];
        var b = new float[total];
        var voiceA = new SpeechSynthesizer(TalkerVoice.Female, SampleRate, new DeterministicRandom(41, "talker-a"));
        var voiceB = new SpeechSynthesizer(TalkerVoice.MaleMid, SampleRate, new DeterministicRandom(42, "talker-b"));
        Place(voiceA.Talk(Samples(CallSeconds - BAloneEnd)), a, BAloneEnd);
        Place(voiceB.Talk(Samples(BAloneEnd)), b, 0);
        Place(voiceB.Talk(Samples(CallSeconds - AAloneEnd)), b, AAloneEnd);
        string fileA = Path.Combine(directory, "e2e-talker-a.wav");
        string fileB = Path.Combine(directory, "e2e-talker-b.wav");
        WavWriter.WriteAll(fileA, SampleRate, [a], WavSampleFormat.Float32);
        WavWriter.WriteAll(fileB, SampleRate, [b], WavSampleFormat.Float32);
        return new CallTalkers(fileA, fileB, a);
    }

    /// <summary>
    /// Echo attenuation on B's side: what B receives with A's canceller off against on, in B's far-end single talk once
    /// the canceller has converged (including its drift compensation).
    /// </summary>
    public static double Erle(float[] receivedCancellerOff, float[] receivedCancellerOn)
    {
        int start = Samples(6), length = Samples(3.5);
        return 10 * Math.Log10(Energy(receivedCancellerOff, start, length) / Math.Max(Energy(receivedCancellerOn, start, length), 1e-12));
    }

    /// <summary>SI-SDR of A's talker in what B receives, over A's talk (alone and double talk).</summary>
    public double TalkerQualityDb(float[] received) =>
        AlignedSiSdr.MedianDb(received, SpeechA, SampleRate, BAloneEnd + 0.5, CallSeconds - 0.5) ?? double.NegativeInfinity;

    private static int Samples(double seconds) => (int)(seconds * SampleRate);

    private static void Place(float[] speech, float[] track, double atSeconds)
    {
        double rms = Math.Sqrt(speech.Select(x => (double)x * x).Where(p => p > 1e-8).DefaultIfEmpty(1e-8).Average());
        float gain = (float)(SpeechRms / rms);
        int offset = Samples(atSeconds);
        for (int i = 0; i < speech.Length && offset + i < track.Length; i++)
            track[offset + i] = speech[i] * gain;
    }

    private static double Energy(float[] x, int start, int length)
    {
        double sum = 0;
        for (int i = start; i < Math.Min(x.Length, start + length); i++)
            sum += (double)x[i] * x[i];
        return sum;
    }
}
