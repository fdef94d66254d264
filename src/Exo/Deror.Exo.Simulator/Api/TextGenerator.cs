using System.Security.Cryptography;
using System.Text;
using Deror.Exo.Api;

namespace Deror.Exo.Simulator.Api;

/// <summary>
/// The simulator's "model": deterministic tokens derived from the model id and the messages (a SHA-256 stream
/// picking words), so the same request always gets the same answer on any node.
/// </summary>
internal static class TextGenerator
{
    public const int DefaultMaxTokens = 16;

    private static readonly string[] Words =
    [
        "the", "cluster", "answers", "with", "simulated", "tokens", "from", "a", "model", "that", "runs", "on",
        "several", "nodes", "each", "layer", "shard", "ready", "exo", "pipeline", "ring", "memory", "fast", "quiet",
        "river", "stone", "light", "garden", "signal", "orbit", "harbor", "lantern",
    ];

    /// <summary>The completion's tokens: the first is a word, each next one a space and a word, so they concatenate to the text.</summary>
    public static IReadOnlyList<string> Tokens(ChatCompletionRequest request)
    {
        var count = Math.Clamp(request.MaxTokens ?? DefaultMaxTokens, 1, 4096);
        var seed = new StringBuilder(request.Model);
        foreach (var message in request.Messages)
        {
            seed.Append('\n').Append(message.Role).Append(':').Append(message.Content);
        }
        var tokens = new List<string>(count);
        var block = SHA256.HashData(Encoding.UTF8.GetBytes(seed.ToString()));
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && i % block.Length == 0)
            {
                block = SHA256.HashData(block);
            }
            var word = Words[block[i % block.Length] % Words.Length];
            tokens.Add(i == 0 ? word : " " + word);
        }
        return tokens;
    }

    public static int PromptTokens(ChatCompletionRequest request) =>
        request.Messages.Sum(m => (m.Content ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
}
