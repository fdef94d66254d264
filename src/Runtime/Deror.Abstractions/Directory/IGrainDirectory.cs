namespace Deror.Runtime;

/// <summary>
/// Where each grain's single activation lives, shared by the cluster through its store. Registration is
/// compare-and-set on the activation id, so two silos racing to activate one grain agree on one winner.
/// Entries pointing at dead silos are treated as free by the runtime and removed with <see cref="UnregisterSilosAsync"/>.
/// A directory instance serves one cluster id (given to the provider).
/// </summary>
public interface IGrainDirectory
{
    /// <summary>
    /// Registers <paramref name="address"/> if the grain has no entry, or if its entry is still
    /// <paramref name="previousAddress"/> (same activation id) — the way to take over an entry whose silo died.
    /// Returns the entry registered after the call: <paramref name="address"/> if it won, the existing one otherwise.
    /// </summary>
    Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previousAddress, CancellationToken cancellationToken = default);

    /// <summary>Removes the grain's entry only if it is still this activation; false otherwise.</summary>
    Task<bool> UnregisterAsync(GrainAddress address, CancellationToken cancellationToken = default);

    Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry that points at one of <paramref name="silos"/> (they were declared dead).</summary>
    Task UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken = default);
}

/// <summary>One activation's place: which grain, which activation, on which silo, registered under which membership version.</summary>
public sealed record GrainAddress(GrainId GrainId, ActivationId ActivationId, SiloAddress SiloAddress, int MembershipVersion)
{
    public bool Matches(GrainAddress? other) => other is not null && GrainId == other.GrainId && ActivationId == other.ActivationId;
}
