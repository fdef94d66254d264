namespace Deror.Runtime;

/// <summary>
/// A grain's durable state, injected into the grain constructor with <see cref="PersistentStateAttribute"/>.
/// It is read before <see cref="Grain.OnActivateAsync"/>; writes are compare-and-set on <see cref="Etag"/>.
/// </summary>
public interface IPersistentState<TState>
{
    TState State { get; set; }

    /// <summary>The version of the stored record this state was read from or last written as; null if none.</summary>
    string? Etag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <see cref="State"/>; throws <see cref="InconsistentStateException"/> if the record changed since it was read.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}

/// <summary>Injects an <see cref="IPersistentState{TState}"/> constructor parameter.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    public string StateName { get; } = stateName;

    /// <summary>The named grain storage provider; null for the default one.</summary>
    public string? StorageName { get; } = storageName;
}
