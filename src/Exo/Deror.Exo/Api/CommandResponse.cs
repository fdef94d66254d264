using System.Text.Json.Serialization;
using Deror.Exo.Models;

namespace Deror.Exo.Api;

/// <summary>
/// What a mutating call returns: <c>{"message": "Command received.", "command_id": "..."}</c>. The command is
/// applied by the master afterwards; the state shows its effect.
/// </summary>
public sealed record CommandResponse
{
    [JsonPropertyName("message")]
    public string Message { get; init; } = "";

    [JsonPropertyName("command_id")]
    public string CommandId { get; init; } = "";

    /// <summary>Set by <c>POST /place_instance</c>.</summary>
    [JsonPropertyName("model_card")]
    public ModelCard? ModelCard { get; init; }

    /// <summary>Set by <c>DELETE /instance/{id}</c>.</summary>
    [JsonPropertyName("instance_id")]
    public string? InstanceId { get; init; }
}
