using System.Text.Json;
using Deror.Exo;
using Deror.Exo.Api;
using Deror.Grains;

namespace Deror.Agent.Execution;

/// <summary>Runs inference tasks as one chat completion against the local Exo; the result is the completion's JSON.</summary>
internal sealed class InferenceTaskExecutor(ExoClient exo) : ITaskExecutor
{
    public TaskKind Kind => TaskKind.Inference;

    public bool CanResume => false;

    public async Task<TaskOutcome> ExecuteAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        if (execution.Spec.Inference is not { } spec)
        {
            return TaskOutcomes.MissingSpec(TaskKind.Inference);
        }
        if (string.IsNullOrWhiteSpace(spec.Model) || spec.Messages.Count == 0)
        {
            return TaskOutcomes.Failed("The inference spec needs a model and at least one message.");
        }
        var request = new ChatCompletionRequest
        {
            Model = spec.Model,
            Messages = [.. spec.Messages.Select(m => new Deror.Exo.Api.ChatMessage(m.Role, m.Content))],
            MaxTokens = spec.MaxTokens,
        };
        try
        {
            var response = await exo.ChatCompletionAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new TaskOutcome { Succeeded = true, Result = JsonSerializer.Serialize(response), Logs = response.Text ?? "" };
        }
        catch (ExoApiException e)
        {
            return TaskOutcomes.Failed($"Exo rejected the completion ({(int)e.StatusCode}): {e.ExoMessage}");
        }
        catch (ExoException e)
        {
            return TaskOutcomes.Failed($"Exo did not complete the chat: {e.Message}");
        }
    }

    public Task<TaskOutcome> ResumeAsync(TaskExecution execution, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Inference tasks cannot be resumed after a silo restart.");
}
