using System.Globalization;

namespace Deror.Persistence.Postgres;

/// <summary>Etags are values of the database's etag sequence rendered as invariant decimal strings.</summary>
internal static class PostgresEtag
{
    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>False for anything this store never handed out; such an etag matches no row.</summary>
    public static bool TryParse(string? etag, out long version)
        => long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out version);
}
