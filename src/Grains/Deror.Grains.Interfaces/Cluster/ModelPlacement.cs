namespace Deror.Grains;

/// <summary>
/// A model the cluster should serve, placed through Exo's <c>/place_instance</c>. Exo forgets placements when its
/// master changes and never re-places them, so the cluster grain re-places whatever is desired but not served.
/// </summary>
public sealed record ModelPlacement
{
    public string ModelId { get; init; } = "";

    /// <summary><c>Pipeline</c> or <c>Tensor</c>.</summary>
    public string Sharding { get; init; } = "Pipeline";

    /// <summary><c>MlxRing</c> or <c>MlxJaccl</c>.</summary>
    public string InstanceMeta { get; init; } = "MlxRing";

    public int MinNodes { get; init; } = 1;
}
