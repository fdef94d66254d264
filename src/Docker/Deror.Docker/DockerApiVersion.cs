using System.Globalization;

namespace Deror.Docker;

/// <summary>
/// An Engine API version (<c>1.41</c>). The client speaks at least <see cref="Minimum"/> (Docker 20.10, Debian 12's
/// docker.io) and at most <see cref="Maximum"/> (Docker 29): every request and response field it uses is unchanged
/// across that range. Negotiation picks the engine's newest version capped at <see cref="Maximum"/>, so an engine that
/// dropped old versions (Docker 29 serves 1.44 and later only) is still spoken to.
/// </summary>
public readonly record struct DockerApiVersion(int Major, int Minor) : IComparable<DockerApiVersion>
{
    public static DockerApiVersion Minimum { get; } = new(1, 41);

    public static DockerApiVersion Maximum { get; } = new(1, 52);

    public static bool TryParse(string? text, out DockerApiVersion version)
    {
        version = default;
        var parts = text?.Split('.');
        if (parts is not { Length: 2 }
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }
        version = new DockerApiVersion(major, minor);
        return true;
    }

    /// <summary>The version to speak with an engine that serves <paramref name="engineMinimum"/> to <paramref name="engineMaximum"/>.</summary>
    /// <exception cref="DockerException">The ranges do not overlap.</exception>
    public static DockerApiVersion Negotiate(DockerApiVersion engineMinimum, DockerApiVersion engineMaximum)
    {
        var chosen = engineMaximum < Maximum ? engineMaximum : Maximum;
        if (chosen < Minimum || chosen < engineMinimum)
        {
            throw new DockerException(
                $"The Docker engine serves API versions {engineMinimum} to {engineMaximum}; this client speaks {Minimum} to {Maximum}.");
        }
        return chosen;
    }

    public int CompareTo(DockerApiVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(DockerApiVersion left, DockerApiVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(DockerApiVersion left, DockerApiVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(DockerApiVersion left, DockerApiVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(DockerApiVersion left, DockerApiVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
