namespace Deror;

/// <summary>The name of a kind of grain (one grain class). Part of every <see cref="GrainId"/>.</summary>
public readonly record struct GrainType
{
    public GrainType(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value.Contains('/'))
        {
            throw new ArgumentException($"A grain type name cannot contain '/': '{value}'.", nameof(value));
        }
        Value = value;
    }

    public string Value { get; }

    public override string ToString() => Value;
}
