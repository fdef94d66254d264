using Microsoft.Extensions.Options;

namespace Deror.Silo;

/// <summary>Recognizes invalid settings among start-up failures and turns them into a one-line message.</summary>
internal static class ConfigurationError
{
    /// <summary>The process exit code for invalid configuration (1 stays for runtime failures).</summary>
    public const int ExitCode = 2;

    public static bool TryDescribe(Exception exception, out string message)
    {
        // Several invalid option classes arrive as one AggregateException.
        var failures = exception is AggregateException aggregate ? aggregate.InnerExceptions : [exception];
        if (failures.Count > 0 && failures.All(f => f is OptionsValidationException))
        {
            message = string.Join(" ", failures.Select(f => f.Message.ReplaceLineEndings(" ")));
            return true;
        }
        // A value that cannot even be converted (e.g. GatewayPort=abc) fails in the configuration binder.
        if (exception is InvalidOperationException { Message: var text } && text.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            message = text.ReplaceLineEndings(" ");
            return true;
        }
        message = "";
        return false;
    }
}
