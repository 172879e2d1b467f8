using Beryl.Media.Jitter;

namespace Beryl.Media.Tests.Jitter;

/// <summary>
/// Drives a <see cref="JitterBuffer"/> on simulated time: every 10 ms step it lets the sender send what is due,
/// inserts what the network has delivered by then, and reads 10 ms of playout into <see cref="Output"/>.
/// </summary>
internal sealed class JitterRig
{
    private readonly float[] _frame;

    public JitterRig(TestSender sender, NetworkSimulator? network = null, JitterBufferOptions? options = null, bool fec = false, int sampleRate = 8000)
    {
        Sender = sender;
        Network = network ?? new NetworkSimulator(1);
        Decoder = new FakePcmDecoder(sampleRate, sender.Channels, fec);
        Buffer = new JitterBuffer(Decoder, options);
        _frame = new float[Decoder.Format.InterleavedSamplesPer10Ms];
    }

    public TestSender Sender { get; set; }

    public bool Sending { get; set; } = true;

    public NetworkSimulator Network { get; }

    public FakePcmDecoder Decoder { get; }

    public JitterBuffer Buffer { get; }

    public List<float> Output { get; } = [];

    /// <summary>Statistics taken after every read.</summary>
    public List<JitterBufferStatistics> History { get; } = [];

    public long NowMicroseconds { get; private set; }

    /// <summary>Decides per packet whether it is sent at all (false: lost before the network, e.g. a forced loss).</summary>
    public Func<SentPacket, bool>? Filter { get; set; }

    /// <summary>Extra packets to insert right before each read (foreign SSRCs, garbage).</summary>
    public Action<JitterRig>? BeforeRead { get; set; }

    public int Channels => Decoder.Format.Channels;

    public int SamplesPer10Ms => Decoder.Format.SamplesPer10Ms;

    public void Run(double seconds)
    {
        for (int step = (int)Math.Round(seconds * 100); step > 0; step--)
        {
            NowMicroseconds += 10_000;
            while (Sending && Sender.NextSendTimeMicroseconds <= NowMicroseconds)
            {
                SentPacket packet = Sender.Next();
                if (Filter?.Invoke(packet) ?? true)
                    Network.Send(packet);
            }
            while (Network.TryReceive(NowMicroseconds, out SentPacket packet, out long arrival))
                Buffer.Insert(packet.Header, packet.Payload, arrival);
            BeforeRead?.Invoke(this);
            Buffer.Read(_frame);
            Output.AddRange(_frame);
            History.Add(Buffer.GetStatistics());
        }
    }

    /// <summary>The output frame where the sender's sample <paramref name="sample"/> plays, found from a run of 16 exact samples, or -1.</summary>
    public int FindFrame(long sample, int searchFrom = 0)
    {
        int frames = Output.Count / Channels;
        for (int f = searchFrom; f + 16 <= frames; f++)
        {
            if (MatchesAt(f, sample, 16))
                return f;
        }
        return -1;
    }

    /// <summary>How many frames from output frame <paramref name="frame"/> on differ from the sender's samples from <paramref name="sample"/> on.</summary>
    public int CountMismatches(int frame, long sample, int count)
    {
        int mismatches = 0;
        for (int i = 0; i < count; i++)
        {
            if (!MatchesAt(frame + i, sample + i, 1))
                mismatches++;
        }
        return mismatches;
    }

    public int OutputFrames => Output.Count / Channels;

    private bool MatchesAt(int frame, long sample, int count)
    {
        for (int i = 0; i < count; i++)
            for (int c = 0; c < Channels; c++)
            {
                if (Output[(frame + i) * Channels + c] != TestSender.SampleAt(sample + i, c) / 32768f)
                    return false;
            }
        return true;
    }

    /// <summary>Every packet inserted is accounted for exactly once.</summary>
    public static void AssertAccounted(in JitterBufferStatistics s)
    {
        long outcomes = s.PacketsDecoded + s.DecodeErrors + s.Duplicates + s.Late + s.Dropped + s.BufferedPackets + s.QueuedPackets;
        Assert.That(outcomes, Is.EqualTo(s.PacketsReceived), s.ToString());
    }
}
