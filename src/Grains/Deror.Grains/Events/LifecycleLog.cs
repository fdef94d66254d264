using System.Text.Json;
using Deror.Configuration;
using Microsoft.Extensions.Options;

namespace Deror.Grains;

/// <summary>Appends lifecycle events of this silo's cluster to the store's event log (<see cref="LifecycleEvents"/>).</summary>
public sealed class LifecycleLog(IEventLogStore store, IOptions<SiloOptions> silo, TimeProvider clock)
{
    private readonly string _stream = LifecycleEvents.StreamOf(silo.Value.ClusterId);

    public string ClusterId { get; } = silo.Value.ClusterId;

    public IEventLogStore Store => store;

    public string Stream => _stream;

    public Task<long> AppendAsync<T>(string type, string subject, T data)
    {
        DomainTelemetry.EventsAppended.Add(1);
        return store.AppendAsync(_stream, [new NewEvent(type, subject, clock.GetUtcNow(), JsonSerializer.Serialize(data, DerorJson.Options))]);
    }

    /// <summary>Appends several events about one subject in one store append (consecutive sequences).</summary>
    public Task<long> AppendManyAsync<T>(string type, string subject, IReadOnlyList<T> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        DomainTelemetry.EventsAppended.Add(data.Count);
        var now = clock.GetUtcNow();
        return store.AppendAsync(_stream, [.. data.Select(d => new NewEvent(type, subject, now, JsonSerializer.Serialize(d, DerorJson.Options)))]);
    }
}
