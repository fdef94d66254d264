using Deror.Telemetry;
using System.Text.Json;

namespace Deror.Runtime.Persistence;

/// <summary>
/// One grain's state record in an <see cref="IGrainStorage"/>. State is stored as JSON so it stays readable in
/// the store and survives adding fields; every write is compare-and-set on the etag last read or written.
/// </summary>
internal sealed class PersistentState<TState>(string stateName, GrainId grainId, IGrainStorage storage)
    : IPersistentState<TState>, IStateLoader
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General);

    public TState State { get; set; } = CreateDefault();

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var record = await storage.ReadAsync(stateName, grainId, cancellationToken).ConfigureAwait(true);
        if (record is null)
        {
            State = CreateDefault();
            Etag = null;
            RecordExists = false;
            return;
        }
        try
        {
            State = JsonSerializer.Deserialize<TState>(record.Data, JsonOptions) ?? CreateDefault();
        }
        catch (JsonException e)
        {
            throw new SerializationException($"Stored state '{stateName}' of {grainId} is not valid JSON for {typeof(TState).Name}: {e.Message}", e);
        }
        Etag = record.Etag;
        RecordExists = true;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(State, JsonOptions);
        Etag = await storage.WriteAsync(stateName, grainId, data, Etag, cancellationToken).ConfigureAwait(true);
        RecordExists = true;
        DerorTelemetry.StateWrites.Add(1, new KeyValuePair<string, object?>("state", stateName));
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await storage.ClearAsync(stateName, grainId, Etag, cancellationToken).ConfigureAwait(true);
        State = CreateDefault();
        Etag = null;
        RecordExists = false;
    }

    Task IStateLoader.LoadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);

    private static TState CreateDefault()
    {
        try
        {
            return Activator.CreateInstance<TState>();
        }
        catch (MissingMethodException e)
        {
            throw new InvalidOperationException($"Grain state type {typeof(TState).FullName} needs a public parameterless constructor.", e);
        }
    }
}

/// <summary>State the activator reads before <see cref="Grain.OnActivateAsync"/>.</summary>
internal interface IStateLoader
{
    Task LoadAsync(CancellationToken cancellationToken);
}
