using Deror.Persistence.Sqlite;

namespace Deror.Persistence.Tests.Sqlite;

/// <summary>A database file path under the temp directory; disposing disposes the providers on it and deletes the file.</summary>
internal sealed class TemporarySqliteFile : IDisposable
{
    private readonly List<IDisposable> _providers = [];

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deror-persistence-tests", $"{Guid.NewGuid():N}.db");

    public SqliteStorageOptions Options => new() { DatabasePath = Path };

    /// <summary>Options for a second, unpooled set of connections to the same file, as another process would have.</summary>
    public SqliteStorageOptions SeparateConnectionOptions => new() { ConnectionString = $"Data Source={Path};Pooling=False" };

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
        if (!Directory.Exists(System.IO.Path.GetDirectoryName(Path)))
        {
            return;
        }
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
