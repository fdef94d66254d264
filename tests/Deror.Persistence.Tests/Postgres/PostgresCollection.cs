namespace Deror.Persistence.Tests.Postgres;

/// <summary>
/// The test classes that use the shared PostgreSQL server. One collection means one server per test run, stopped
/// when the collection ends; its classes run one after another, which also spares the shared 2-core machines.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "PostgreSQL";
}
