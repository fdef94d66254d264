namespace Deror.Grains;

/// <summary>Short ways to write the common task specs; refine the result with <c>with { ... }</c>.</summary>
public static class TaskSpecs
{
    public static TaskSpec Container(string name, string image, params string[] command)
        => new() { Name = name, Kind = TaskKind.Container, Container = new ContainerSpec { Image = image, Command = command } };

    public static TaskSpec Process(string name, string command, params string[] arguments)
        => new() { Name = name, Kind = TaskKind.Process, Process = new ProcessSpec { Command = command, Arguments = arguments } };

    public static TaskSpec Inference(string name, string model, string prompt, int? maxTokens = null)
        => new() { Name = name, Kind = TaskKind.Inference, Inference = new InferenceSpec { Model = model, Messages = [new ChatMessage("user", prompt)], MaxTokens = maxTokens } };

    /// <summary>A code-defined handler registered on the silos under <paramref name="handler"/>, with JSON arguments.</summary>
    public static TaskSpec Handler(string name, string handler, string? argumentsJson = null)
        => new() { Name = name, Kind = TaskKind.Handler, Handler = new HandlerSpec { Name = handler, Arguments = argumentsJson } };
}
