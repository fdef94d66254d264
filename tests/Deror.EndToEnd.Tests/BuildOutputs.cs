using System.Reflection;

namespace Deror.EndToEnd.Tests;

/// <summary>The silo and exo-sim executables this project's build produced (recorded by the project file).</summary>
internal static class BuildOutputs
{
    public static string SiloDll { get; } = Find("DerorSiloPath");

    public static string ExoSimDll { get; } = Find("ExoSimPath");

    /// <summary>The dotnet host the test runs under, so the children use the same runtime.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string Find(string key)
    {
        var path = typeof(BuildOutputs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        return File.Exists(path) ? path : throw new FileNotFoundException($"{Path.GetFileName(path)} is not built: {path} is missing.", path);
    }
}
