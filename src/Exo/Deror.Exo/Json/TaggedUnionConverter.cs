using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.Exo.Json;

/// <summary>
/// Reads and writes Exo's tagged unions, <c>{"ClassName": {...fields}}</c>. The cases of <typeparamref name="TUnion"/> are
/// the non-abstract types deriving from it in its assembly, tagged by class name as Exo tags them; the one case that
/// implements <see cref="IUnknownCase"/> receives any tag this version does not know, so a newer Exo never breaks parsing.
/// </summary>
public sealed class TaggedUnionConverter<TUnion> : JsonConverter<TUnion>
    where TUnion : class, ITaggedUnion
{
    private static readonly FrozenDictionary<string, Type> Cases = typeof(TUnion).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(TUnion)) && !t.IsAbstract && !typeof(IUnknownCase).IsAssignableFrom(t))
        .ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    private static readonly ConstructorInfo UnknownCase = typeof(TUnion).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(TUnion)) && !t.IsAbstract && typeof(IUnknownCase).IsAssignableFrom(t))
        .Select(t => t.GetConstructor([typeof(string), typeof(JsonElement)]))
        .SingleOrDefault(c => c is not null)
        ?? throw new InvalidOperationException($"{typeof(TUnion).Name} needs one IUnknownCase subtype with a (string tag, JsonElement payload) constructor.");

    public override TUnion? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected a tagged {typeof(TUnion).Name} object ({{\"Tag\": {{...}}}}), found {reader.TokenType}.");
        }
        reader.Read();
        if (reader.TokenType != JsonTokenType.PropertyName)
        {
            throw new JsonException($"A tagged {typeof(TUnion).Name} needs exactly one property (its tag); found an empty object.");
        }
        var tag = reader.GetString()!;
        reader.Read();
        TUnion value;
        if (Cases.TryGetValue(tag, out var caseType))
        {
            value = (TUnion)(JsonSerializer.Deserialize(ref reader, caseType, options)
                ?? throw new JsonException($"The {typeof(TUnion).Name} case {tag} is null."));
        }
        else
        {
            var payload = JsonElement.ParseValue(ref reader);
            value = (TUnion)UnknownCase.Invoke([tag, payload]);
        }
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException($"A tagged {typeof(TUnion).Name} has exactly one property (its tag); {tag} has more.");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, TUnion value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WritePropertyName(value.Tag);
        if (value is IUnknownCase unknown)
        {
            unknown.Payload.WriteTo(writer);
        }
        else
        {
            JsonSerializer.Serialize(writer, value, value.GetType(), options);
        }
        writer.WriteEndObject();
    }
}

/// <summary>A member of one of Exo's tagged unions.</summary>
public interface ITaggedUnion
{
    /// <summary>The tag Exo writes: the case's class name.</summary>
    string Tag { get; }
}

/// <summary>The case that keeps a tag this client does not know, with its payload as received.</summary>
public interface IUnknownCase
{
    JsonElement Payload { get; }
}
