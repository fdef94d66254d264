using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Deror.Silo;

/// <summary>Where the silo keeps grain state, reminders and durable jobs: configuration section <c>Deror:Storage</c>.</summary>
internal sealed class SiloStorageOptions
{
    public const string Section = "Deror:Storage";

    /// <summary>The SQLite file, relative to the working directory; its directory is created on first use.</summary>
    public string SqlitePath { get; set; } = Path.Combine(".deror", "deror.db");

    /// <summary>
    /// The absolute database path. Read while the host is built (the storage providers take a path, not options),
    /// so it is validated here rather than at start.
    /// </summary>
    public static string DatabasePathFrom(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<SiloStorageOptions>() ?? new SiloStorageOptions();
        if (string.IsNullOrWhiteSpace(options.SqlitePath))
        {
            throw new OptionsValidationException(Section, typeof(SiloStorageOptions), [$"{Section}:{nameof(SqlitePath)} must name a file."]);
        }
        return Path.GetFullPath(options.SqlitePath);
    }
}
