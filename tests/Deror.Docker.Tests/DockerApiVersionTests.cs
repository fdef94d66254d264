namespace Deror.Docker.Tests;

public sealed class DockerApiVersionTests
{
    [Theory]
    [InlineData("1.12", "1.41", "1.41")] // Docker 20.10 (Debian 12)
    [InlineData("1.24", "1.49", "1.49")] // Docker 28
    [InlineData("1.44", "1.52", "1.52")] // Docker 29, which refuses anything older than 1.44
    [InlineData("1.44", "1.60", "1.52")] // a newer engine is spoken to at the newest version the client knows
    public void Negotiation_speaks_the_newest_version_both_sides_know(string engineMinimum, string engineMaximum, string expected)
    {
        Assert.True(DockerApiVersion.TryParse(engineMinimum, out var minimum));
        Assert.True(DockerApiVersion.TryParse(engineMaximum, out var maximum));

        Assert.Equal(expected, DockerApiVersion.Negotiate(minimum, maximum).ToString());
    }

    [Theory]
    [InlineData("1.12", "1.40")] // too old for the client
    [InlineData("1.53", "1.60")] // an engine that no longer serves what the client speaks
    public void Negotiation_without_a_common_version_says_so(string engineMinimum, string engineMaximum)
    {
        DockerApiVersion.TryParse(engineMinimum, out var minimum);
        DockerApiVersion.TryParse(engineMaximum, out var maximum);

        var error = Assert.Throws<DockerException>(() => DockerApiVersion.Negotiate(minimum, maximum));

        Assert.Contains($"{engineMinimum} to {engineMaximum}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.41", true)]
    [InlineData("1.100", true)]
    [InlineData("1", false)]
    [InlineData("1.4.1", false)]
    [InlineData("v1.41", false)]
    [InlineData("1.-1", false)]
    [InlineData(null, false)]
    public void Parsing_accepts_major_dot_minor_only(string? text, bool valid)
        => Assert.Equal(valid, DockerApiVersion.TryParse(text, out _));

    [Fact]
    public void Versions_compare_numerically()
    {
        Assert.True(new DockerApiVersion(1, 9) < new DockerApiVersion(1, 41));
        Assert.True(new DockerApiVersion(2, 0) > new DockerApiVersion(1, 52));
    }
}
