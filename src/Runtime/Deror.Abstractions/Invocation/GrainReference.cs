namespace Deror.Invocation;

/// <summary>
/// Base class of generated grain proxies. A reference is just an id plus the runtime that delivers its calls;
/// it can be passed as an argument or returned from a grain method.
/// </summary>
public abstract class GrainReference : IGrainIdentity, IEquatable<GrainReference>
{
    protected GrainReference(IGrainReferenceRuntime runtime, GrainId grainId)
    {
        Runtime = runtime;
        GrainId = grainId;
    }

    public GrainId GrainId { get; }

    public IGrainReferenceRuntime Runtime { get; }

    /// <summary>The grain interface this proxy implements.</summary>
    public abstract Type InterfaceType { get; }

    protected Task<T> InvokeAsync<T>(Request request) => Runtime.InvokeAsync<T>(this, request);

    protected Task InvokeAsync(Request request) => Runtime.InvokeAsync(this, request);

    protected void InvokeOneWay(Request request) => Runtime.InvokeOneWay(this, request);

    public bool Equals(GrainReference? other) => other is not null && GrainId.Equals(other.GrainId);

    public override bool Equals(object? obj) => obj is GrainReference other && Equals(other);

    public override int GetHashCode() => GrainId.GetHashCode();

    public override string ToString() => $"{InterfaceType.Name}:{GrainId}";
}

/// <summary>Delivers calls made through grain references (client-side or silo-side).</summary>
public interface IGrainReferenceRuntime
{
    Task<T> InvokeAsync<T>(GrainReference target, Request request);

    Task InvokeAsync(GrainReference target, Request request);

    void InvokeOneWay(GrainReference target, Request request);
}
