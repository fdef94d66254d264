using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Deror.Persistence.Sqlite;

/// <summary>Checks <see cref="SqliteStorageOptions"/> at silo start, and when a provider is constructed directly.</summary>
internal sealed class SqliteStorageOptionsValidator : IValidateOptions<SqliteStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasPath = !string.IsNullOrWhiteSpace(options.DatabasePath);
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (hasPath == hasConnectionString)
        {
            failures.Add($"{nameof(SqliteStorageOptions)}.{nameof(SqliteStorageOptions.DatabasePath)} or {nameof(SqliteStorageOptions)}.{nameof(SqliteStorageOptions.ConnectionString)} must be set, but not both.");
        }
        if (hasConnectionString && DataSourceOf(options.ConnectionString!) is not { Length: > 0 })
        {
            failures.Add($"{nameof(SqliteStorageOptions)}.{nameof(SqliteStorageOptions.ConnectionString)} must be a valid SQLite connection string with a Data Source.");
        }
        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"{nameof(SqliteStorageOptions)}.{nameof(SqliteStorageOptions.BusyTimeout)} must be positive (and below {int.MaxValue} ms), but is {options.BusyTimeout}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> for options that did not come through the options system.</summary>
    public static void ThrowIfInvalid(SqliteStorageOptions options)
    {
        var result = new SqliteStorageOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SqliteStorageOptions), result.Failures);
        }
    }

    private static string? DataSourceOf(string connectionString)
    {
        try
        {
            return new SqliteConnectionStringBuilder(connectionString).DataSource;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
