using System.CommandLine;
using System.Net;
using System.Reflection;
using Beryl.Aec;
using Beryl.Media.Codecs;
using Beryl.Media.Node;
using Beryl.Media.Sdp;
using Beryl.Media.WebRtc;
using Beryl.Signaling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;

namespace Beryl.Cli;

/// <summary><c>beryl listen</c>: runs a media node with WebSocket signaling, <c>POST /offer</c> and the browser page.</summary>
internal static class ListenCommand
{
    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port") { Description = "TCP port of the HTTP/WebSocket server (0: any free port).", HelpName = "PORT", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind") { Description = "Address to listen on; loopback by default (calls from this machine only).", HelpName = "ADDRESS", DefaultValueFactory = _ => "127.0.0.1" };
        var mode = new Option<string>("--mode") { Description = "echo: callers hear themselves; bridge: callers are paired two by two; play: callers hear --file.", HelpName = "echo|bridge|play", DefaultValueFactory = _ => "echo" };
        var file = new Option<string?>("--file") { Description = "The WAV file of play mode.", HelpName = "FILE" };
        var loop = new Option<bool>("--loop") { Description = "Play the file again and again rather than once." };
        var aec = new Option<string>("--aec") { Description = "Server-side echo canceller on each leg: full, lite or off.", HelpName = "full|lite|off", DefaultValueFactory = _ => "full" };
        var record = new Option<string?>("--record") { Description = "Record each call (received, cancelled, render WAV and call.json) in a folder of this one.", HelpName = "DIR" };
        var codec = new Option<string?>("--codec") { Description = "Accept only this codec: opus, pcmu or pcma.", HelpName = "opus|pcmu|pcma" };
        var connectTimeout = new Option<double>("--connect-timeout") { Description = "Seconds a call may take to connect before it is dropped.", HelpName = "S", DefaultValueFactory = _ => 30 };
        var maxSessions = new Option<int>("--max-sessions") { Description = "Calls open at once, connected or not.", HelpName = "N", DefaultValueFactory = _ => 500 };
        var perAddress = new Option<int>("--max-per-address") { Description = "Signaling sessions open at once from one address.", HelpName = "N", DefaultValueFactory = _ => 16 };
        var complexity = new Option<int>("--opus-complexity") { Description = "Opus encoder complexity, 0..10: more costs CPU for quality. An audio thread short of time lowers it until the load falls, unless --fixed-complexity.", HelpName = "N", DefaultValueFactory = _ => 2 };
        var fixedComplexity = new Option<bool>("--fixed-complexity") { Description = "Keep --opus-complexity however busy the node is." };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Least level logged to stderr.", HelpName = "Information|Debug|Warning…", DefaultValueFactory = _ => LogLevel.Information };

        var command = new Command("listen", "Run a WebRTC media node: WebSocket signaling at /ws, POST /offer, the browser page at /.")
        {
            port, bind, mode, file, loop, aec, record, codec, connectTimeout, maxSessions, perAddress, complexity, fixedComplexity, logLevel,
        };
        command.SetAction(parse => BerylCli.Guard(context, () => ExecuteAsync(context, new Settings(
            parse.GetValue(port),
            parse.GetValue(bind) ?? "127.0.0.1",
            parse.GetValue(mode) ?? "echo",
            parse.GetValue(file),
            parse.GetValue(loop),
            parse.GetValue(aec) ?? "full",
            parse.GetValue(record),
            parse.GetValue(codec),
            parse.GetValue(connectTimeout),
            parse.GetValue(maxSessions),
            parse.GetValue(perAddress),
            parse.GetValue(complexity),
            parse.GetValue(fixedComplexity),
            parse.GetValue(logLevel))).GetAwaiter().GetResult()));
        return command;
    }

    private sealed record Settings(int Port, string Bind, string Mode, string? File, bool Loop, string Aec, string? Record, string? Codec,
        double ConnectTimeoutSeconds, int MaxSessions, int MaxPerAddress, int OpusComplexity, bool FixedComplexity, LogLevel LogLevel);

    private static async Task<int> ExecuteAsync(CliContext context, Settings settings)
    {
        if (!IPAddress.TryParse(settings.Bind, out var bind))
            throw new CliException($"--bind '{settings.Bind}' is not an IP address", BerylCli.ExitUsage);
        if (settings.Port is < 0 or > 65535)
            throw new CliException($"--port {settings.Port} is not a TCP port", BerylCli.ExitUsage);
        if (settings.ConnectTimeoutSeconds <= 0 || settings.MaxSessions < 1 || settings.MaxPerAddress < 1)
            throw new CliException("--connect-timeout, --max-sessions and --max-per-address must be positive", BerylCli.ExitUsage);
        if (settings.OpusComplexity is < 0 or > 10)
            throw new CliException($"--opus-complexity {settings.OpusComplexity} is not 0..10", BerylCli.ExitUsage);
        var mode = settings.Mode.ToLowerInvariant() switch
        {
            "echo" => NodeMode.Echo,
            "bridge" => NodeMode.Bridge,
            "play" => NodeMode.Play,
            _ => throw new CliException($"unknown mode '{settings.Mode}'; use echo, bridge or play", BerylCli.ExitUsage),
        };
        if (mode == NodeMode.Play && settings.File is null)
            throw new CliException("play mode needs --file", BerylCli.ExitUsage);
        var aecMode = ParseAecMode(settings.Aec);

        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(settings.LogLevel)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            })
            .Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace));

        var defaults = new MediaNodeOptions();
        var nodeOptions = new MediaNodeOptions
        {
            Mode = mode,
            EchoCancellation = aecMode is not null,
            EchoCanceller = new EchoCancellerOptions { SampleRate = 16000, Mode = aecMode ?? AecMode.Full },
            PlayFile = settings.File,
            LoopPlayFile = settings.Loop,
            RecordDirectory = settings.Record,
            ConnectTimeout = TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds),
            MaxSessions = settings.MaxSessions,
            Codec = defaults.Codec with { Opus = defaults.Codec.Opus with { Complexity = settings.OpusComplexity } },
            AdaptEncoderComplexity = !settings.FixedComplexity,
            PeerConfiguration = new RTCConfiguration
            {
                AudioCodecs = settings.Codec is null ? AudioCodecs.DefaultAudioCodecs : [ParseCodec(settings.Codec)],
                // A node bound to loopback takes calls from this machine only, so its media stays there too.
                LoopbackOnly = IPAddress.IsLoopback(bind),
                IncludeLoopback = true,
            },
        };
        MediaNode node;
        try
        {
            node = new MediaNode(nodeOptions, loggerFactory);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }
        await using (node.ConfigureAwait(false))
        {
            var serverOptions = new SignalingServerOptions
            {
                Bind = bind,
                Port = settings.Port,
                Limits = new SignalingLimits { MaxSessionsPerAddress = settings.MaxPerAddress },
                PageHtml = LoadPage(),
            };
            var server = await SignalingServer.StartAsync(serverOptions, node, loggerFactory, context.CancellationToken).ConfigureAwait(false);
            await using (server.ConfigureAwait(false))
            {
                context.Out.WriteLine($"beryl: listening on {server.BaseAddress} (signaling {server.WebSocketUri}, POST {server.BaseAddress}offer), mode {mode.ToString().ToLowerInvariant()}, echo canceller {settings.Aec}");
                context.Out.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                context.Error.WriteLine($"beryl: shutting down, ending {node.Sessions.Count} calls");
            }
        }
        context.Out.WriteLine("beryl: stopped");
        return BerylCli.ExitOk;
    }

    internal static AecMode? ParseAecMode(string text) => text.ToLowerInvariant() switch
    {
        "full" => AecMode.Full,
        "lite" => AecMode.Lite,
        "off" => null,
        _ => throw new CliException($"unknown echo canceller '{text}'; use full, lite or off", BerylCli.ExitUsage),
    };

    internal static SdpCodec ParseCodec(string text) => text.ToLowerInvariant() switch
    {
        "opus" when OpusAvailable() => SdpCodec.Opus,
        "opus" => throw new CliException($"Opus is not available here: {Media.Codecs.Opus.OpusLibrary.LoadError}"),
        "pcmu" => SdpCodec.Pcmu,
        "pcma" => SdpCodec.Pcma,
        _ => throw new CliException($"unknown codec '{text}'; use opus, pcmu or pcma", BerylCli.ExitUsage),
    };

    private static bool OpusAvailable() => Media.Codecs.Opus.OpusLibrary.IsAvailable;

    private static string? LoadPage()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("index.html");
        if (stream is null)
            return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
