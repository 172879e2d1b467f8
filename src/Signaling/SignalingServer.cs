using System.Net;
using Beryl.Media.Node;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Beryl.Signaling;

/// <summary>
/// The node's HTTP face on Kestrel: <c>/ws</c> (WebSocket signaling, JSON messages as <see cref="SignalingMessage"/>),
/// <c>POST /offer</c> (an offer with its candidates in, the answer with the node's out: the webrtc-echoes contract),
/// <c>/healthz</c>, <c>/stats</c> (every session's statistics) and the page at <c>/</c>.
/// </summary>
public sealed class SignalingServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _connectionsLock = new();

    private WebApplication? _app;

    private SignalingServer()
    {
    }

    /// <summary>The server's HTTP address, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The WebSocket signaling address, e.g. <c>ws://127.0.0.1:8080/ws</c>.</summary>
    public Uri WebSocketUri => new UriBuilder(BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri;

    /// <summary>Starts listening; calls go to <paramref name="node"/>.</summary>
    /// <param name="options">Address, port, limits and page.</param>
    /// <param name="node">The media node that carries the calls; the caller keeps ownership.</param>
    /// <param name="loggerFactory">Where the server logs; null logs nothing.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="IOException">The address or port cannot be bound.</exception>
    public static async Task<SignalingServer> StartAsync(SignalingServerOptions options, MediaNode node, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(node);
        options.Limits.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SignalingServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
            builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.Bind, options.Port);
            kestrel.Limits.MaxRequestBodySize = options.Limits.MaxMessageBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<SignalingServer>();
        var perAddress = new AddressSessionCounter(options.Limits.MaxSessionsPerAddress);
        var server = new SignalingServer { _app = app };

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.MapGet("/", () => options.PageHtml is { } page
            ? Results.Content(page, "text/html; charset=utf-8")
            : Results.Text("Beryl media node: WebSocket signaling at /ws, POST /offer, /healthz, /stats\n"));
        app.MapGet("/healthz", () => Results.Json(new { status = "ok", mode = node.Options.Mode.ToString().ToLowerInvariant(), calls = node.ActiveCalls, sessions = node.Sessions.Count, lateAudioFrames = node.LateAudioFrames, audioLoad = Math.Round(node.AudioLoad, 3), encoderComplexity = node.EncoderComplexity }));
        app.MapGet("/stats", () => Results.Text(NodeStatisticsJson.Serialize(node.Sessions.Select(s => s.GetStatistics())), "application/json"));
        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "/ws speaks WebSocket only").ConfigureAwait(false);
                return;
            }
            var address = RemoteAddress(context);
            if (!perAddress.TryOpen(address, out var lease))
            {
                await WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, $"too many sessions from {address}").ConfigureAwait(false);
                return;
            }
            using (lease)
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
                var session = new WebSocketSignalingSession(socket, address, node, options.Limits, logger);
                var run = session.RunAsync(server._stopping.Token);
                server.Track(run);
                await run.ConfigureAwait(false);
            }
        });
        app.MapPost("/offer", context => OfferEndpoint.HandleAsync(context, node, options.Limits, perAddress));

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen on {options.Bind}:{options.Port}: {e.Message}", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseAddress = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>Stops taking requests, ends the WebSocket sessions (their calls end with them) and stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_connectionsLock)
            running = [.. _connections];
        await Task.WhenAll(running).ConfigureAwait(false);
        await _app!.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Track(Task connection)
    {
        lock (_connectionsLock)
        {
            _connections.RemoveAll(t => t.IsCompleted);
            _connections.Add(connection);
        }
    }

    internal static IPAddress RemoteAddress(HttpContext context) => context.Connection.RemoteIpAddress ?? IPAddress.None;

    internal static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(SignalingMessage.Error(message).ToUtf8()).AsTask();
    }
}
