using Deror.Testing.Servers;
using Deror.Persistence.Postgres;

namespace Deror.Persistence.Tests.Postgres;

/// <summary>The server shared by every class of the <see cref="PostgresCollection"/>, with the tests' database created.</summary>
public sealed class PostgresServerFixture : IDisposable
{
    public const string Database = "deror_tests";

    public const string Schema = "deror_tests";

    public PostgresServerFixture()
    {
        Server = PostgresServer.StartNew();
        ConnectionString = Server.EnsureDatabase(Database);
    }

    public PostgresServer Server { get; }

    /// <summary>The tests' database on the shared server.</summary>
    public string ConnectionString { get; }

    public PostgresStorageOptions Options(string schema = Schema) => new() { ConnectionString = ConnectionString, Schema = schema };

    public void Dispose() => Server.Dispose();
}
