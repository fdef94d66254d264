using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.Serialization;

/// <summary>
/// Grain references inside JSON-encoded objects (a DTO with an <c>IPlayerGrain</c> property) are written as
/// <c>{"grain":"type/key","interface":"Full.Name"}</c> and resolved back through the codec's resolver.
/// </summary>
internal sealed class GrainReferenceJsonConverterFactory(IGrainReferenceResolver resolver) : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => TypeCodecFactory.IsGrainReferenceType(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        => (JsonConverter)Activator.CreateInstance(typeof(GrainReferenceJsonConverter<>).MakeGenericType(typeToConvert), resolver)!;
}

internal sealed class GrainReferenceJsonConverter<T>(IGrainReferenceResolver resolver) : JsonConverter<T>
{
    private const string GrainProperty = "grain";
    private const string InterfaceProperty = "interface";

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected a grain reference object for {typeof(T)}.");
        }
        string? grain = null;
        string? grainInterface = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isGrain = reader.ValueTextEquals(GrainProperty);
            var isInterface = reader.ValueTextEquals(InterfaceProperty);
            reader.Read();
            if (isGrain)
            {
                grain = reader.GetString();
            }
            else if (isInterface)
            {
                grainInterface = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }
        if (!GrainId.TryParse(grain, out var grainId) || grainInterface is null)
        {
            throw new JsonException($"Malformed grain reference for {typeof(T)}.");
        }
        return resolver.GetGrain(WireTypes.ResolveGrainInterface(grainInterface), grainId) is T typed
            ? typed
            : throw new JsonException($"The grain reference {grain} is not a {typeof(T)}.");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        if (value is not IGrainIdentity identity)
        {
            throw new JsonException($"{value?.GetType()} is not a grain reference.");
        }
        var grainInterface = value is Invocation.GrainReference reference ? reference.InterfaceType : typeof(T);
        writer.WriteStartObject();
        writer.WriteString(GrainProperty, identity.GrainId.ToString());
        writer.WriteString(InterfaceProperty, grainInterface.FullName);
        writer.WriteEndObject();
    }
}
