using System.Globalization;

namespace Deror.Persistence.Sqlite;

/// <summary>Etags are the integer row versions rendered as invariant decimal strings.</summary>
internal static class SqliteEtag
{
    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>False for anything this store never handed out; such an etag matches no row.</summary>
    public static bool TryParse(string? etag, out long version)
        => long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out version);
}
