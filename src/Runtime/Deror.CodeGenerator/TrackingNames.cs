namespace Deror.CodeGenerator;

/// <summary>Names of pipeline steps, so tests can check which steps an edit re-ran.</summary>
public static class TrackingNames
{
    public const string GeneratedNamespace = nameof(GeneratedNamespace);
    public const string GrainInterfaces = nameof(GrainInterfaces);
    public const string ValidInterfaces = nameof(ValidInterfaces);
    public const string GrainClasses = nameof(GrainClasses);
}
