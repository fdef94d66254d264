namespace Deror.PyHost.Embedding;

internal static class TaskResults
{
    /// <summary>A task with no result in the shape the native module's blocking wait takes (await is not allowed in its unsafe code).</summary>
    public static async Task<string?> WithoutResult(Task task)
    {
        await task.ConfigureAwait(false);
        return null;
    }
}
