namespace Deror.Docker.Json;

/// <summary>The engine's error body: <c>{"message": "..."}</c>.</summary>
internal sealed class ErrorResponse
{
    public string? Message { get; init; }
}
