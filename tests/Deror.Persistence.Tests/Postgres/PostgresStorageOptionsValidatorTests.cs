using Deror.Persistence.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Deror.Persistence.Tests.Postgres;

public sealed class PostgresStorageOptionsValidatorTests
{
    private const string ValidConnectionString = "Host=127.0.0.1;Port=5432;Username=deror;Database=deror";

    [Fact]
    public void ValidOptionsPass()
    {
        Assert.True(Validate(new PostgresStorageOptions { ConnectionString = ValidConnectionString, Schema = "deror_1" }).Succeeded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("Database=deror")]
    [InlineData("this is = not ; a connection string ===")]
    public void AConnectionStringWithoutAHostFails(string? connectionString)
    {
        var result = Validate(new PostgresStorageOptions { ConnectionString = connectionString });

        Assert.True(result.Failed);
        Assert.Contains(nameof(PostgresStorageOptions.ConnectionString), result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Deror")]
    [InlineData("1deror")]
    [InlineData("deror-tests")]
    [InlineData("deror\"; DROP TABLE x; --")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void ASchemaThatIsNotAPlainLowerCaseIdentifierFails(string schema)
    {
        var result = Validate(new PostgresStorageOptions { ConnectionString = ValidConnectionString, Schema = schema });

        Assert.True(result.Failed);
        Assert.Contains(nameof(PostgresStorageOptions.Schema), result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ProvidersConstructedWithInvalidOptionsThrow()
    {
        Assert.Throws<OptionsValidationException>(() => new PostgresGrainStorage(new PostgresStorageOptions(), "service", NullLoggerFactory.Instance));
    }

    private static ValidateOptionsResult Validate(PostgresStorageOptions options)
        => new PostgresStorageOptionsValidator().Validate(Options.DefaultName, options);
}
