namespace Deror.Runtime.Tests.Hosting;

/// <summary>
/// Tests that start silo processes run alone: two more .NET processes on a small machine would skew the
/// timing of the in-process tests running beside them (and theirs).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTestsCollection
{
    public const string Name = "Silo processes";
}
