using NCrontab;

namespace Deror.Grains;

/// <summary>Checks a submitted <see cref="TaskSpec"/>; the first problem becomes an <see cref="InvalidSpecException"/> naming the field.</summary>
public static class TaskSpecValidator
{
    public static void Validate(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Require(!string.IsNullOrWhiteSpace(spec.Name), "name", "is required");
        Require(spec.Name.Length <= 200, "name", "is longer than 200 characters");
        switch (spec.Kind)
        {
            case TaskKind.Container:
                Require(spec.Container is not null, "container", "is required for a container task");
                Require(!string.IsNullOrWhiteSpace(spec.Container!.Image), "container.image", "is required");
                break;
            case TaskKind.Process:
                Require(spec.Process is not null, "process", "is required for a process task");
                Require(!string.IsNullOrWhiteSpace(spec.Process!.Command), "process.command", "is required");
                break;
            case TaskKind.Inference:
                Require(spec.Inference is not null, "inference", "is required for an inference task");
                Require(!string.IsNullOrWhiteSpace(spec.Inference!.Model), "inference.model", "is required");
                Require(spec.Inference.Messages.Count > 0, "inference.messages", "needs at least one message");
                Require(spec.Inference.MaxTokens is null or > 0, "inference.maxTokens", "must be positive");
                break;
            case TaskKind.Handler:
                Require(spec.Handler is not null, "handler", "is required for a handler task");
                Require(!string.IsNullOrWhiteSpace(spec.Handler!.Name), "handler.name", "is required");
                break;
            default:
                throw new InvalidSpecException($"kind '{spec.Kind}' is not one of container, process, inference, handler.");
        }
        Require(spec.Resources is not null, "resources", "is required");
        Require(spec.Resources!.CpuCores >= 0 && double.IsFinite(spec.Resources.CpuCores), "resources.cpuCores", "must be 0 or more");
        Require(spec.Resources.MemoryBytes >= 0, "resources.memoryBytes", "must be 0 or more");
        Require(spec.MaxAttempts is >= 1 and <= 100, "maxAttempts", "must be between 1 and 100");
        Require(spec.RetryBackoff >= TimeSpan.Zero, "retryBackoff", "must not be negative");
        Require(spec.Timeout is null || spec.Timeout > TimeSpan.Zero, "timeout", "must be positive");
        Require(spec.RunAt is null || spec.Cron is null, "runAt", "cannot be combined with cron");
        if (spec.Cron is not null)
        {
            _ = ParseCron(spec.Cron);
        }
    }

    /// <summary>A five-field cron expression, or six fields with seconds first; <see cref="InvalidSpecException"/> if it is neither.</summary>
    public static CrontabSchedule ParseCron(string cron)
    {
        var withSeconds = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;
        return CrontabSchedule.TryParse(cron, new CrontabSchedule.ParseOptions { IncludingSeconds = withSeconds })
            ?? throw new InvalidSpecException($"cron '{cron}' is not a valid cron expression (minute hour day-of-month month day-of-week, optionally with seconds first).");
    }

    private static void Require(bool condition, string field, string rule)
    {
        if (!condition)
        {
            throw new InvalidSpecException($"{field} {rule}.");
        }
    }
}
