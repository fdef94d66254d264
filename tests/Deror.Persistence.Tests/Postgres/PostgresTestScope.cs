using Deror.Persistence.Postgres;

namespace Deror.Persistence.Tests.Postgres;

/// <summary>
/// One test's corner of the shared server: the tests' database and schema, and a fresh service/cluster id so the
/// test starts from empty tables. Disposing disposes the providers it tracked (closing their pools).
/// </summary>
internal sealed class PostgresTestScope : IDisposable
{
    private readonly List<IDisposable> _providers = [];

    public PostgresTestScope(PostgresServerFixture server)
    {
        Options = server.Options();
    }

    /// <summary>Unique per scope; use it as the service id or cluster id.</summary>
    public string Id { get; } = $"test-{Guid.NewGuid():N}";

    public PostgresStorageOptions Options { get; }

    public T Track<T>(T provider)
        where T : IDisposable
    {
        lock (_providers)
        {
            _providers.Add(provider);
        }
        return provider;
    }

    public void Dispose()
    {
        lock (_providers)
        {
            _providers.ForEach(provider => provider.Dispose());
        }
    }
}
