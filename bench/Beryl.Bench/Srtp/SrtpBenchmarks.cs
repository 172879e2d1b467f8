using Beryl.Media.Srtp;
using BenchmarkDotNet.Attributes;

namespace Beryl.Bench.Srtp;

/// <summary>
/// Nanoseconds per RTP packet (12-byte header, 160-byte payload) for one protect plus one unprotect, on a
/// sender and a receiver context sharing keys; libsrtp 2 is the baseline of each suite.
/// </summary>
public class SrtpBenchmarks
{
    /// <summary>Packets per benchmark invocation (reported per packet through OperationsPerInvoke).</summary>
    public const int PacketsPerInvoke = 100;

    private const int PayloadLength = 160;
    private const int HeaderLength = 12;
    private const uint Ssrc = 0x0BE1_2D01;

    private readonly byte[] _plain = new byte[HeaderLength + PayloadLength];
    private readonly byte[] _buffer = new byte[HeaderLength + PayloadLength + 64];
    private SrtpContext? _sender;
    private SrtpContext? _receiver;
    private nint _libSender;
    private nint _libReceiver;
    private ushort _sequence;

    /// <summary>The protection profile measured.</summary>
    [Params(SrtpProtectionProfile.Aes128CmHmacSha1_80, SrtpProtectionProfile.AeadAes128Gcm)]
    public SrtpProtectionProfile Suite { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        var key = new byte[SrtpProtectionProfiles.MasterKeyLength(Suite)];
        var salt = new byte[SrtpProtectionProfiles.MasterSaltLength(Suite)];
        random.NextBytes(key);
        random.NextBytes(salt);
        random.NextBytes(_plain);
        _plain[0] = 0x80;
        _plain[1] = 111;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(_plain.AsSpan(8), Ssrc);

        var keys = new SrtpKeyingMaterial(Suite, key, salt);
        _sender = new SrtpContext(keys);
        _receiver = new SrtpContext(keys);
        if (LibSrtpNative.IsAvailable)
        {
            byte[] keyAndSalt = [.. key, .. salt];
            _libSender = LibSrtpNative.Create((int)Suite, keyAndSalt, outbound: true);
            _libReceiver = LibSrtpNative.Create((int)Suite, keyAndSalt, outbound: false);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender?.Dispose();
        _receiver?.Dispose();
        if (_libSender != 0)
            LibSrtpNative.srtp_dealloc(_libSender);
        if (_libReceiver != 0)
            LibSrtpNative.srtp_dealloc(_libReceiver);
        _libSender = _libReceiver = 0;
    }

    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void Beryl()
    {
        for (int i = 0; i < PacketsPerInvoke; i++)
        {
            NextPacket();
            _sender!.ProtectRtp(_buffer, _plain.Length, out int length);
            if (_receiver!.UnprotectRtp(_buffer, length, out _) != SrtpStatus.Ok)
                throw new InvalidOperationException($"Beryl did not round-trip sequence {_sequence}");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PacketsPerInvoke)]
    public unsafe void LibSrtp()
    {
        fixed (byte* packet = _buffer)
        {
            for (int i = 0; i < PacketsPerInvoke; i++)
            {
                NextPacket();
                int length = _plain.Length;
                if (LibSrtpNative.srtp_protect(_libSender, packet, ref length) != 0
                    || LibSrtpNative.srtp_unprotect(_libReceiver, packet, ref length) != 0)
                    throw new InvalidOperationException($"libsrtp did not round-trip sequence {_sequence}");
            }
        }
    }

    /// <summary>Copies the plain packet into the work buffer with the next sequence number.</summary>
    private void NextPacket()
    {
        _plain.CopyTo(_buffer, 0);
        _sequence++;
        _buffer[2] = (byte)(_sequence >> 8);
        _buffer[3] = (byte)_sequence;
    }
}
