using Microsoft.Extensions.Options;

namespace Deror.Agent;

/// <summary>Rejects bad sidecar settings at silo start with a message naming the setting (<c>Deror:Sidecar:Exo:Command</c>).</summary>
internal sealed class SidecarOptionsValidator : IValidateOptions<SidecarOptions>
{
    public ValidateOptionsResult Validate(string? name, SidecarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Require(bool condition, string setting, string rule)
        {
            if (!condition)
            {
                errors.Add($"{SidecarOptions.ConfigurationSection}:{setting} {rule}.");
            }
        }

        Require(!string.IsNullOrWhiteSpace(options.NodeName), nameof(options.NodeName), "must not be empty");
        Require(options.ExoApiUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" }, nameof(options.ExoApiUrl), "must be an absolute http(s) URL");
        Require(options.ProbePeriod > TimeSpan.Zero, nameof(options.ProbePeriod), "must be positive");
        Require(options.ProbeTimeout > TimeSpan.Zero, nameof(options.ProbeTimeout), "must be positive");
        Require(options.DirectiveWait > TimeSpan.Zero, nameof(options.DirectiveWait), "must be positive");
        Require(options.GrainRetryDelay > TimeSpan.Zero, nameof(options.GrainRetryDelay), "must be positive");
        Require(options.GrainRetryMaxDelay >= options.GrainRetryDelay, nameof(options.GrainRetryMaxDelay), "must be at least GrainRetryDelay");

        var exo = options.Exo;
        if (exo.Supervise)
        {
            Require(!string.IsNullOrWhiteSpace(exo.Command), "Exo:Command", "must name the Exo executable when Exo:Supervise is on");
        }
        Require(exo.Namespace is null || exo.Namespace.Trim().Length > 0, "Exo:Namespace", "must not be blank when set");
        Require(exo.RestartDelay > TimeSpan.Zero, "Exo:RestartDelay", "must be positive");
        Require(exo.MaxRestartDelay >= exo.RestartDelay, "Exo:MaxRestartDelay", "must be at least Exo:RestartDelay");
        Require(exo.StableAfter > TimeSpan.Zero, "Exo:StableAfter", "must be positive");
        Require(exo.FailedProbesBeforeRestart >= 1, "Exo:FailedProbesBeforeRestart", "must be at least 1");
        Require(exo.StartTimeout > TimeSpan.Zero, "Exo:StartTimeout", "must be positive");
        Require(exo.InterruptTimeout >= TimeSpan.Zero, "Exo:InterruptTimeout", "must not be negative");
        Require(exo.TerminateTimeout >= TimeSpan.Zero, "Exo:TerminateTimeout", "must not be negative");
        Require(Enum.IsDefined(exo.OnSiloShutdown), "Exo:OnSiloShutdown", "must be Stop or LeaveRunning");

        var tasks = options.Tasks;
        Require(tasks.MaxLogBytes >= 1024, "Tasks:MaxLogBytes", "must be at least 1024");
        Require(!tasks.EnableContainers || Path.IsPathFullyQualified(tasks.DockerSocket), "Tasks:DockerSocket", "must be an absolute path when Tasks:EnableContainers is on");
        Require(tasks.KillGracePeriod >= TimeSpan.Zero, "Tasks:KillGracePeriod", "must not be negative");
        Require(tasks.StartReportDelay >= TimeSpan.Zero, "Tasks:StartReportDelay", "must not be negative");
        Require(tasks.LiveOutputInterval > TimeSpan.Zero, "Tasks:LiveOutputInterval", "must be positive");

        Require(options.Drain.InferenceIdleTimeout >= TimeSpan.Zero, "Drain:InferenceIdleTimeout", "must not be negative");
        Require(options.Drain.PollInterval > TimeSpan.Zero, "Drain:PollInterval", "must be positive");

        Require(options.Maintenance.Command is null || options.Maintenance.Command.Trim().Length > 0, "Maintenance:Command", "must not be blank when set");
        Require(options.Maintenance.Timeout > TimeSpan.Zero, "Maintenance:Timeout", "must be positive");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
