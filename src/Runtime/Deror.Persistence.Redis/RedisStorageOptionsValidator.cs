using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>Checks <see cref="RedisStorageOptions"/> at silo start, and when a connection is created directly.</summary>
internal sealed class RedisStorageOptionsValidator : IValidateOptions<RedisStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var property = $"{nameof(RedisStorageOptions)}.{nameof(RedisStorageOptions.Configuration)}";
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            return ValidateOptionsResult.Fail($"{property} must be set (e.g. 'localhost:6379').");
        }
        if (ParseOrNull(options.Configuration) is not { EndPoints.Count: > 0 })
        {
            return ValidateOptionsResult.Fail($"{property} '{options.Configuration}' is not a valid StackExchange.Redis configuration string with at least one endpoint.");
        }
        return ValidateOptionsResult.Success;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> for options that did not come through the options system.</summary>
    public static void ThrowIfInvalid(RedisStorageOptions options)
    {
        var result = new RedisStorageOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(RedisStorageOptions), result.Failures);
        }
    }

    private static ConfigurationOptions? ParseOrNull(string configuration)
    {
        try
        {
            return ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
