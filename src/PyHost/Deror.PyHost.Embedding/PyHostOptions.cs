using System.Text.RegularExpressions;

namespace Deror.PyHost;

/// <summary>Which Python the host embeds. Set by <c>--libpython</c>/<c>--python</c> or <c>DEROR_LIBPYTHON</c>/<c>DEROR_PYTHON</c>.</summary>
internal sealed partial class PyHostOptions
{
    public const string LibPythonVariable = "DEROR_LIBPYTHON";
    public const string PythonVariable = "DEROR_PYTHON";
    public const string DefaultLibPython = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";

    /// <summary>The libpython shared library to load.</summary>
    public string LibPython { get; set; } = Environment.GetEnvironmentVariable(LibPythonVariable) is { Length: > 0 } path ? path : DefaultLibPython;

    /// <summary>
    /// The interpreter executable matching <see cref="LibPython"/>: Python derives <c>sys.prefix</c> (where the
    /// standard library is) from it, and it becomes <c>sys.executable</c>. Defaults to <c>/usr/bin/python3.X</c>
    /// for a <c>libpython3.X</c>.
    /// </summary>
    public string? PythonExecutable { get; set; } = Environment.GetEnvironmentVariable(PythonVariable) is { Length: > 0 } path ? path : null;

    public string ResolvedPythonExecutable
        => PythonExecutable ?? (LibPythonVersion().Match(Path.GetFileName(LibPython)) is { Success: true } m ? $"/usr/bin/python{m.Groups[1].Value}" : "/usr/bin/python3");

    /// <summary>The problems with these settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!File.Exists(LibPython))
        {
            errors.Add($"libpython not found at '{LibPython}'; install libpython3.11 or set {LibPythonVariable} (or --libpython) to a libpython3.x shared library.");
        }
        if (!File.Exists(ResolvedPythonExecutable))
        {
            errors.Add($"The Python executable '{ResolvedPythonExecutable}' does not exist; set {PythonVariable} (or --python) to the interpreter that matches {LibPython}.");
        }
        return errors;
    }

    [GeneratedRegex(@"^libpython(\d+\.\d+)")]
    private static partial Regex LibPythonVersion();
}
