using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Beryl.Aec;
using Beryl.Media.Engine;
using Beryl.Media.WebRtc;
using Beryl.Signaling;

namespace Beryl.Cli;

/// <summary><c>beryl call</c>: calls a node over WebSocket signaling with echo cancellation, from a device, a file or a simulated room.</summary>
internal static class CallCommand
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    public static Command Create(CliContext context)
    {
        var url = new Argument<string>("url") { Description = "The node's WebSocket signaling address, e.g. ws://127.0.0.1:8080/ws." };
        var mic = new Option<string>("--mic")
        {
            Description = "Microphone: 'device' or 'device:INDEX', a WAV file, or a simulated room 'room:near=FILE,delay=MS,echo=DB,rt60=S,noise=DB,drift=PPM,distortion=X,ir=FILE,seed=N' whose loudspeaker is the call's.",
            HelpName = "device|FILE|room:…",
            DefaultValueFactory = _ => "device",
        };
        var speaker = new Option<string?>("--speaker") { Description = "Loudspeaker: 'device', 'device:INDEX', a WAV file, or 'none' (default: the device when the microphone is one).", HelpName = "device|FILE|none" };
        var aec = new Option<string>("--aec") { Description = "Echo canceller on this end: full, lite or off.", HelpName = "full|lite|off", DefaultValueFactory = _ => "full" };
        var seconds = new Option<double?>("--seconds") { Description = "Hang up after this many seconds of call (default: until Ctrl+C or the node ends it).", HelpName = "N" };
        var record = new Option<string?>("--record") { Description = "Also write what the loudspeaker plays (the far end's audio) to this WAV file.", HelpName = "FILE" };
        var codec = new Option<string?>("--codec") { Description = "Offer only this codec: opus, pcmu or pcma.", HelpName = "opus|pcmu|pcma" };

        var command = new Command("call", "Call a Beryl node (or any server speaking its WebSocket signaling) with echo cancellation.")
        {
            url, mic, speaker, aec, seconds, record, codec,
        };
        command.SetAction(parse => BerylCli.Guard(context, () => ExecuteAsync(
            context,
            parse.GetRequiredValue(url),
            parse.GetValue(mic) ?? "device",
            parse.GetValue(speaker),
            parse.GetValue(aec) ?? "full",
            parse.GetValue(seconds),
            parse.GetValue(record),
            parse.GetValue(codec)).GetAwaiter().GetResult()));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliContext context, string urlText, string micSpec, string? speakerSpec, string aecText,
        double? seconds, string? recordPath, string? codecName)
    {
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss"))
            throw new CliException($"'{urlText}' is not a ws:// or wss:// address", BerylCli.ExitUsage);
        if (seconds is <= 0)
            throw new CliException("--seconds must be positive", BerylCli.ExitUsage);
        var engineOptions = new AudioEngineOptions
        {
            EchoCancellation = aecText != "off",
            EchoCanceller = new EchoCancellerOptions { SampleRate = 16000, Mode = ListenCommand.ParseAecMode(aecText) ?? AecMode.Full },
        };
        var codecs = codecName is null ? Media.Codecs.AudioCodecs.DefaultAudioCodecs : [ListenCommand.ParseCodec(codecName)];

        using var audio = CallAudio.Open(micSpec, speakerSpec, recordPath);
        var ct = context.CancellationToken;
        bool loopback = IPAddress.TryParse(url.Host.Trim('[', ']'), out var host) ? IPAddress.IsLoopback(host) : url.IsLoopback;
        await using var peer = new RTCPeerConnection(new RTCConfiguration { AudioCodecs = codecs, LoopbackOnly = loopback });
        await using var signaling = await ConnectAsync(url, ct).ConfigureAwait(false);
        signaling.ErrorReceived += message => context.Error.WriteLine($"beryl: the node says: {BerylCli.OneLine(message)}");

        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.onconnectionstatechange += state =>
        {
            if (state == RTCPeerConnectionState.connected)
                connected.TrySetResult();
            else if (state is RTCPeerConnectionState.failed or RTCPeerConnectionState.closed)
                connected.TrySetException(new CliException($"the connection {state}"));
        };
        try
        {
            await signaling.CallAsync(peer, ct).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message);
        }
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(ConnectTimeout);
            var ended = await Task.WhenAny(connected.Task, signaling.Ended, Task.Delay(Timeout.Infinite, timeout.Token)).ConfigureAwait(false);
            if (ended == signaling.Ended)
                throw new CliException($"the call ended before it connected: {signaling.Ended.Result}");
            if (ended != connected.Task)
            {
                ct.ThrowIfCancellationRequested();
                throw new CliException($"the call did not connect within {ConnectTimeout.TotalSeconds:0} s");
            }
            await connected.Task.ConfigureAwait(false);
        }

        using var engine = new AudioEngine(peer, audio.Microphone, audio.Speaker, engineOptions with { Pacing = audio.UsesDevice ? AudioPacing.Device : AudioPacing.Clock });
        engine.Start();
        context.Error.WriteLine($"beryl: connected to {url} ({engine.Codec!.Name}/{engine.Codec.ClockRate}), echo canceller {aecText}");
        var started = Stopwatch.StartNew();
        string reason = await WaitForEndAsync(context, peer, engine, signaling, seconds, ct).ConfigureAwait(false);
        var final = engine.GetStatistics();
        engine.Stop();
        await SafeHangUpAsync(signaling).ConfigureAwait(false);
        context.Out.WriteLine(Summary(reason, started.Elapsed, peer.GetStatistics(), final));
        if (audio.Room is { } room)
        {
            var r = room.Statistics;
            context.Out.WriteLine($"room: {r.SpeakerFrames} frames played, {r.MicrophoneFrames} captured, {r.Underruns} echo blocks without speaker audio, {r.Overruns} overruns, {r.DroppedSpeakerFrames} speaker frames dropped");
        }
        return BerylCli.ExitOk;
    }

    private static async Task<SignalingClient> ConnectAsync(Uri url, CancellationToken ct)
    {
        try
        {
            return await SignalingClient.ConnectAsync(url, ct).ConfigureAwait(false);
        }
        catch (System.Net.WebSockets.WebSocketException e)
        {
            throw new CliException($"cannot reach {url}: {e.Message}");
        }
    }

    private static async Task<string> WaitForEndAsync(CliContext context, RTCPeerConnection peer, AudioEngine engine, SignalingClient signaling, double? seconds, CancellationToken ct)
    {
        var deadline = seconds is { } s ? Stopwatch.GetTimestamp() + (long)(s * Stopwatch.Frequency) : long.MaxValue;
        using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        int tick = 0;
        try
        {
            while (await ticker.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                if (signaling.Ended.IsCompleted)
                    return signaling.Ended.Result;
                if (peer.connectionState is RTCPeerConnectionState.failed or RTCPeerConnectionState.closed)
                    return $"the connection {peer.connectionState}";
                if (Stopwatch.GetTimestamp() >= deadline)
                    return "the call's time was up";
                if (context.ProgressWriter is { } terminal && ++tick % 4 == 0)
                    terminal.Write($"\r{StatusLine(peer, engine)}\u001b[K");
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            context.ProgressWriter?.Write("\r\u001b[K");
        }
        return "hung up";
    }

    internal static string StatusLine(RTCPeerConnection peer, AudioEngine engine)
    {
        var stats = engine.GetStatistics();
        var audio = peer.GetStatistics().Audio;
        string rtt = audio.RoundTripTime is { } r ? $"{r.TotalMilliseconds:0} ms" : "–";
        string aec = stats.EchoCanceller is { } a ? $"ERLE {a.ErleDb:0} dB, delay {a.DelayMs:0} ms" : "AEC off";
        return string.Create(CultureInfo.InvariantCulture,
            $"{peer.connectionState} · {stats.Codec.Name} · RTT {rtt} · loss {100 * audio.LossFraction:0.0}% · jitter {audio.JitterMs:0} ms · {aec}");
    }

    private static string Summary(string reason, TimeSpan duration, RTCPeerConnectionStatistics peer, AudioEngineStatistics engine)
    {
        var audio = peer.Audio;
        string aec = engine.EchoCanceller is { } a ? $", ERLE {a.ErleDb:0.0} dB, echo delay {a.DelayMs:0} ms" : "";
        var jitter = engine.JitterBuffer;
        return string.Create(CultureInfo.InvariantCulture,
            $"call ended ({reason}) after {duration.TotalSeconds:0.0} s: {engine.Codec.Name}, sent {audio.PacketsSent} packets, received {audio.PacketsReceived}, lost {audio.PacketsLost}, jitter {audio.JitterMs:0.0} ms; " +
            $"jitter buffer {jitter.CurrentDelayMs:0} ms (target {jitter.TargetDelayMs:0}), concealed {jitter.ConcealedMs:0} ms, {jitter.Accelerations} accelerations, {jitter.Expansions} expansions, {jitter.Resets} resets; " +
            $"late frames {engine.LateCaptureFrames}/{engine.LateRenderFrames}{aec}");
    }

    private static async Task SafeHangUpAsync(SignalingClient signaling)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await signaling.HangUpAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
