namespace Deror.Persistence.Sqlite;

/// <summary>Where the SQLite providers keep their data. Set exactly one of <see cref="DatabasePath"/> or <see cref="ConnectionString"/>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Path of the database file; the file and its directory are created on first use.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>A full Microsoft.Data.Sqlite connection string, for settings beyond the file path.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long an operation waits for another connection (typically another silo process on the same file)
    /// to release the database before it fails.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
