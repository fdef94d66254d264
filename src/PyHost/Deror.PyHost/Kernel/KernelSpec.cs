using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deror.PyHost.Kernel;

/// <summary>A Jupyter kernelspec (<c>kernel.json</c>) that starts this host as the kernel.</summary>
internal sealed record KernelSpec(
    [property: JsonPropertyName("argv")] IReadOnlyList<string> Argv,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("interrupt_mode")] string InterruptMode,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, object> Metadata)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The spec for a host started by <paramref name="hostCommand"/> with these host options.</summary>
    public static KernelSpec For(IReadOnlyList<string> hostCommand, PyHostOptions options, string displayName)
        => new(
            [.. hostCommand, "--libpython", options.LibPython, "--python", options.ResolvedPythonExecutable, "kernel", "-f", "{connection_file}"],
            displayName,
            "python",
            // Jupyter interrupts by SIGINT: the host turns it into KeyboardInterrupt, also during a .NET call.
            "signal",
            new Dictionary<string, object> { ["debugger"] = false });

    public string ToJson() => JsonSerializer.Serialize(this, Indented);
}
