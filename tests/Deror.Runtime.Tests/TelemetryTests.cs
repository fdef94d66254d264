using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Deror.Runtime.Tests.Grains;
using Deror.Telemetry;

namespace Deror.Runtime.Tests;

public sealed class TelemetryTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task One_trace_follows_a_call_from_the_client_through_the_gateway_to_a_grain_and_on_to_another_grain()
    {
        var key = Guid.NewGuid().ToString();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DerorTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var root = new Activity("test-root").Start();
        var grain = fixture.Grains.GetGrain<ICallGrain>(key);
        var peer = fixture.Grains.GetGrain<ICallGrain>(key + "-peer");

        await grain.EchoThrough(peer, "traced");
        root.Stop();

        var trace = await Eventually.Returns(
            () => Task.FromResult(spans.Where(s => s.TraceId == root.TraceId).ToArray()),
            s => s.Length >= 4,
            TimeSpan.FromSeconds(5),
            "four spans in the test's trace");
        var clientCall = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.DisplayName == "ICallGrain.EchoThrough");
        var serverCall = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.DisplayName == "ICallGrain.EchoThrough");
        var nestedClient = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.DisplayName == "ICallGrain.Echo");
        var nestedServer = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.DisplayName == "ICallGrain.Echo");
        Assert.Equal(root.SpanId, clientCall.ParentSpanId);
        Assert.Equal(clientCall.SpanId, serverCall.ParentSpanId);
        Assert.Equal(serverCall.SpanId, nestedClient.ParentSpanId);
        Assert.Equal(nestedClient.SpanId, nestedServer.ParentSpanId);
    }

    [Fact]
    public async Task The_meter_counts_calls_and_failures()
    {
        var measurements = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == DerorTelemetry.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "deror.method" && (string?)tag.Value is "ICallGrain.Throw" or "ICallGrain.Add")
                {
                    measurements.AddOrUpdate($"{instrument.Name}:{tag.Value}", value, (_, v) => v + value);
                }
            }
        });
        listener.Start();
        var grain = fixture.Grains.GetGrain<ICallGrain>(Guid.NewGuid().ToString());

        await grain.Add(1, 2);
        await grain.Add(3, 4);
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("counted"));

        Assert.True(measurements.GetValueOrDefault("deror.calls.sent:ICallGrain.Add") >= 2);
        Assert.True(measurements.GetValueOrDefault("deror.calls.invoked:ICallGrain.Add") >= 2);
        Assert.True(measurements.GetValueOrDefault("deror.calls.failed:ICallGrain.Throw") >= 1);
    }
}
