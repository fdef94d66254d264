namespace Deror;

/// <summary>Identifies one activation (one in-memory incarnation) of a grain.</summary>
public readonly record struct ActivationId(Guid Value)
{
    public static ActivationId NewId() => new(Guid.NewGuid());

    public override string ToString() => Value.ToString("N");
}
