using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Deror.Persistence.Postgres;

/// <summary>Checks <see cref="PostgresStorageOptions"/> at silo start, and when a provider is constructed directly.</summary>
internal sealed partial class PostgresStorageOptionsValidator : IValidateOptions<PostgresStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{nameof(PostgresStorageOptions)}.{nameof(PostgresStorageOptions.ConnectionString)} must be set.");
        }
        else if (!IsValidConnectionString(options.ConnectionString))
        {
            failures.Add($"{nameof(PostgresStorageOptions)}.{nameof(PostgresStorageOptions.ConnectionString)} must be a valid Npgsql connection string with a Host.");
        }
        // The schema name is spliced into DDL, so only plain lower-case identifiers are accepted.
        if (options.Schema is null || !SchemaName().IsMatch(options.Schema))
        {
            failures.Add($"{nameof(PostgresStorageOptions)}.{nameof(PostgresStorageOptions.Schema)} must be a lower-case identifier (letters, digits, '_', at most 63 characters), but is '{options.Schema}'.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> for options that did not come through the options system.</summary>
    public static void ThrowIfInvalid(PostgresStorageOptions options)
    {
        var result = new PostgresStorageOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PostgresStorageOptions), result.Failures);
        }
    }

    private static bool IsValidConnectionString(string connectionString)
    {
        try
        {
            return !string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
