using Deror.Cli.Output;
using Deror.Grains;

namespace Deror.Cli.Commands;

/// <summary>How followed task output is printed: the text as is for people (a note marks a new attempt), a JSON line per chunk for scripts.</summary>
internal static class TaskOutput
{
    public static Action<TaskLogs> Writer(CliOutput output)
    {
        if (output.Json)
        {
            return output.WriteJsonLine;
        }
        var attempt = 0;
        return logs =>
        {
            if (attempt != 0 && logs.Attempt != attempt)
            {
                output.Note($"--- attempt {logs.Attempt} ---");
            }
            attempt = logs.Attempt;
            output.Stdout.Write(logs.Text);
            output.Stdout.Flush();
        };
    }
}
