namespace Deror.Agent.Execution;

/// <summary>One handler registered under a name; the handler is created from the silo's services when first used.</summary>
public sealed record TaskHandlerRegistration(string Name, Func<IServiceProvider, ITaskHandler> Create);
