using Deror.Grains;
using Deror.Networking;

namespace Deror.Cli;

/// <summary>The exit codes scripts can rely on; listed in <c>deror --help</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Anything not covered below.</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments, or a spec the cluster rejected as invalid.</summary>
    public const int BadArguments = 2;

    /// <summary>No such task or node.</summary>
    public const int NotFound = 3;

    /// <summary>Not allowed in the current state (e.g. cancelling a finished task, maintenance already running).</summary>
    public const int InvalidState = 4;

    /// <summary>The cluster could not be reached (no gateway answered, or a call timed out).</summary>
    public const int ConnectionFailure = 5;

    /// <summary>The cluster refused the connection: a missing or wrong token (<c>--token</c>), or another cluster's gateway.</summary>
    public const int Refused = 6;

    /// <summary>Interrupted (Ctrl-C) before a waited-for operation finished, as shells report SIGINT.</summary>
    public const int Interrupted = 130;

    public const string HelpText = """
        Exit codes:
          0  success (with --wait: the task's exit code instead; 1 if it failed without one, 124 if it timed out)
          1  other failure
          2  bad arguments, or an invalid spec
          3  not found (task or node)
          4  invalid state (e.g. the task has already finished)
          5  cannot reach the cluster
          6  the cluster refused the connection (missing or wrong --token)
        """;

    /// <summary>The exit code for an error the cluster or the connection reported.</summary>
    public static int For(Exception error) => error switch
    {
        CliException e => e.ExitCode,
        InvalidSpecException or ArgumentException => BadArguments,
        TaskNotFoundException or NodeNotFoundException => NotFound,
        InvalidStateException => InvalidState,
        ConnectionRefusedException => Refused,
        DerorMessageDeliveryException or TimeoutException => ConnectionFailure,
        _ => Failure,
    };
}
