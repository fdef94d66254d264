using System.Runtime.CompilerServices;

/// <summary>
/// Lets the process fault tests run the real silo executable with this assembly's grains:
/// <c>DOTNET_STARTUP_HOOKS=/path/Deror.Testing.Grains.dll</c> makes the runtime load this assembly before the
/// silo's <c>Main</c>, and running this class's module initializer registers its grains, which the silo then finds
/// like its own. The silo itself has no test-only code or option.
/// </summary>
internal static class StartupHook
{
    /// <summary>Called by the .NET host; the type and method names are fixed by the startup hook contract.</summary>
    public static void Initialize() => RuntimeHelpers.RunModuleConstructor(typeof(StartupHook).Module.ModuleHandle);
}
