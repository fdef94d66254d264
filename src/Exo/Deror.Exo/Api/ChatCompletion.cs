using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.Exo.Api;

/// <summary><c>POST /v1/chat/completions</c> (OpenAI shape). <see cref="Stream"/> is set by the client per call.</summary>
public sealed record ChatCompletionRequest
{
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("messages")]
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    [JsonPropertyName("stream")]
    public bool Stream { get; init; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }

    [JsonPropertyName("temperature")]
    public double? Temperature { get; init; }

    [JsonPropertyName("seed")]
    public int? Seed { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record ChatMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string? Content);

/// <summary>A whole completion, or one streamed chunk (Exo streams chunks with object "chat.completion" and a <c>delta</c>).</summary>
public sealed record ChatCompletionResponse
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    [JsonPropertyName("object")]
    public string Object { get; init; } = "chat.completion";

    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("model")]
    public string Model { get; init; } = "";

    [JsonPropertyName("choices")]
    public IReadOnlyList<ChatChoice> Choices { get; init; } = [];

    [JsonPropertyName("usage")]
    public ChatUsage? Usage { get; init; }

    /// <summary>The text of the first choice: its message, or the delta of a streamed chunk.</summary>
    [JsonIgnore]
    public string? Text => Choices.Count == 0 ? null : (Choices[0].Message ?? Choices[0].Delta)?.Content;
}

public sealed record ChatChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("message")]
    public ChatMessage? Message { get; init; }

    [JsonPropertyName("delta")]
    public ChatMessage? Delta { get; init; }

    /// <summary><c>stop</c>, <c>length</c>, <c>error</c>, ... on the last choice or chunk.</summary>
    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; init; }
}

public sealed record ChatUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);
