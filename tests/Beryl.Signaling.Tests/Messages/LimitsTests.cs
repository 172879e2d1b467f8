using System.Diagnostics;
using System.Net;

namespace Beryl.Signaling.Tests.Messages;

public class LimitsTests
{
    [Test]
    public void The_rate_limiter_allows_its_burst_then_its_rate()
    {
        long now = 0;
        var limiter = new MessageRateLimiter(rate: 10, burst: 5, clock: () => now);
        int allowed = 0;
        for (int i = 0; i < 20; i++)
            allowed += limiter.TryAcquire() ? 1 : 0;
        Assert.That(allowed, Is.EqualTo(5), "a burst");

        now += Stopwatch.Frequency / 2;   // half a second: five more
        allowed = 0;
        for (int i = 0; i < 20; i++)
            allowed += limiter.TryAcquire() ? 1 : 0;
        Assert.That(allowed, Is.EqualTo(5), "half a second at 10 a second");

        now += Stopwatch.Frequency * 100L;  // a long pause refills to the burst, not beyond
        allowed = 0;
        for (int i = 0; i < 20; i++)
            allowed += limiter.TryAcquire() ? 1 : 0;
        Assert.That(allowed, Is.EqualTo(5));
    }

    [Test]
    public void An_address_gets_its_limit_of_sessions_and_a_closed_one_back()
    {
        var counter = new AddressSessionCounter(limit: 2);
        var address = IPAddress.Parse("10.1.2.3");
        Assert.That(counter.TryOpen(address, out var first), Is.True);
        Assert.That(counter.TryOpen(IPAddress.Parse("::ffff:10.1.2.3"), out var second), Is.True, "an IPv4-mapped address is the same client");
        Assert.That(counter.TryOpen(address, out var third), Is.False);
        Assert.That(third, Is.Null);
        Assert.That(counter.TryOpen(IPAddress.Parse("10.1.2.4"), out var other), Is.True, "another address has its own share");

        first!.Dispose();
        first.Dispose();
        Assert.That(counter.OpenFor(address), Is.EqualTo(1), "disposing twice gives back one session");
        Assert.That(counter.TryOpen(address, out var again), Is.True);
        second!.Dispose();
        again!.Dispose();
        other!.Dispose();
        Assert.That(counter.OpenFor(address), Is.Zero);
    }

    [Test]
    public void Limits_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalingLimits { MaxMessageBytes = 10 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalingLimits { MessagesPerSecond = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalingLimits { MaxSessionsPerAddress = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalingLimits { StatsInterval = TimeSpan.FromSeconds(-1) }.Validate());
        Assert.DoesNotThrow(() => new SignalingLimits().Validate());
    }
}
