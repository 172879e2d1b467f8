using Beryl.Media.Audio;
using Beryl.Media.Node;
using Beryl.Media.Tests.Audio;

namespace Beryl.Media.Tests.Node;

public class CallRecorderTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("beryl-recorder-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Frames_a_full_queue_drops_are_counted_and_come_back_as_silence_on_one_time_line()
    {
        var format = new AudioFormat(16000, 1);
        int frameSamples = format.SamplesPer10Ms;
        const int Frames = 1200;     // 12 s offered at once, against a 5 s queue drained every 100 ms
        var recorder = new CallRecorder(_directory, format);
        var frame = new float[frameSamples];
        for (int f = 0; f < Frames; f++)
        {
            Array.Fill(frame, (f + 1) / 2000f);
            recorder.WriteReceived(frame, frame);
            recorder.WriteRender(frame);
        }
        long dropped = recorder.DroppedFrames;
        await recorder.FinishAsync("{}");

        Assert.That(dropped, Is.GreaterThan(0), "the queues overflowed");
        long silent = 0;
        foreach (var name in new[] { "received.wav", "cleaned.wav", "render.wav" })
        {
            var samples = WavReader.ReadAllChannels(Path.Combine(_directory, name), out _)[0];
            silent += RecordedBlocks.CountSilentKeepingPlace(name, samples, frameSamples, Frames, f => (f + 1) / 2000f);
        }
        Assert.That(silent, Is.EqualTo(dropped), "each dropped frame is one frame of silence");
        Assert.That(File.ReadAllText(Path.Combine(_directory, "call.json")), Is.EqualTo("{}"));
    }
}
