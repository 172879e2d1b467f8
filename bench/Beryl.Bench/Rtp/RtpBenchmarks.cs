using Beryl.Media.Rtp;
using BenchmarkDotNet.Attributes;

namespace Beryl.Bench.Rtp;

/// <summary>
/// Nanoseconds to parse and to write one RTP packet of 20 ms of G.711 (12-byte header + 160-byte payload), plain
/// or with one CSRC and an RFC 6464 audio level element. Each invocation handles <see cref="PacketsPerInvoke"/> packets.
/// </summary>
public class RtpBenchmarks
{
    /// <summary>Packets per benchmark invocation (reported per packet through OperationsPerInvoke).</summary>
    public const int PacketsPerInvoke = 1000;

    private readonly byte[] _payload = new byte[160];
    private readonly byte[] _extension = new byte[4];
    private byte[] _packet = [];
    private byte[] _output = [];
    private RtpHeader _header;

    /// <summary>false: the bare 12-byte header; true: one CSRC and a one-byte-form audio level element.</summary>
    [Params(false, true)]
    public bool CsrcAndAudioLevel { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        new Random(3550).NextBytes(_payload);
        _header = new RtpHeader(0, 1000, 160_000, 0x5EED5EED);
        ReadOnlySpan<byte> extension = default;
        if (CsrcAndAudioLevel)
        {
            var writer = new RtpHeaderExtensionWriter(_extension);
            writer.Add(1, [RtpAudioLevel.Encode(true, 42)]);
            extension = writer.Complete();
            _header = _header.WithCsrcs([0xC5C5C5C5]).WithExtension(writer.Profile);
        }

        _packet = new byte[_header.GetPacketLength(extension.Length, _payload.Length)];
        _header.Write(_packet, _payload, extension);
        _output = new byte[_packet.Length];
    }

    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public int Parse()
    {
        int sum = 0;
        for (int i = 0; i < PacketsPerInvoke; i++)
        {
            if (RtpHeader.TryParse(_packet, out var header))
            {
                sum += header.PayloadLength + header.SequenceNumber;
                if (header.TryGetExtensionElement(_packet, 1, out var level) && RtpAudioLevel.TryRead(level, out _, out int dbov))
                    sum += dbov;
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public int Write()
    {
        int sum = 0;
        ReadOnlySpan<byte> extension = CsrcAndAudioLevel ? _extension : default;
        for (int i = 0; i < PacketsPerInvoke; i++)
        {
            var header = _header with { SequenceNumber = (ushort)i, Timestamp = (uint)(i * 160) };
            sum += header.Write(_output, _payload, extension);
        }

        return sum;
    }
}
