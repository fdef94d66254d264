using Deror.Agent.Execution;
using Deror.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Deror.Agent.Tests;

public sealed class HandlerTaskExecutorTests
{
    private sealed record Sum(int A, int B);

    private sealed class Doubler : ITaskHandler
    {
        public Task<string?> HandleAsync(TaskHandlerContext context, CancellationToken cancellationToken) =>
            Task.FromResult<string?>((context.GetArguments<int>() * 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private readonly HandlerTaskExecutor _executor = new(
        [
            new TaskHandlerRegistration("sum", _ => new DelegateTaskHandler((ctx, _) =>
            {
                var args = ctx.GetArguments<Sum>();
                return Task.FromResult<string?>($"{{\"sum\":{args.A + args.B},\"task\":\"{ctx.TaskId}\",\"attempt\":{ctx.Attempt}}}");
            })),
            new TaskHandlerRegistration("double", _ => new Doubler()),
            new TaskHandlerRegistration("boom", _ => new DelegateTaskHandler((_, _) => throw new InvalidOperationException("disk full"))),
            new TaskHandlerRegistration("forever", _ => new DelegateTaskHandler(async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return null;
            })),
            new TaskHandlerRegistration("chatty", _ => new DelegateTaskHandler((ctx, _) =>
            {
                // 220 KB of numbered lines against a 4 KiB limit.
                for (var i = 1; i <= 20000; i++)
                {
                    ctx.AppendLog($"line {i:00000}\n");
                }
                throw new InvalidOperationException("said too much");
            })),
        ],
        new TaskExecutionOptions { MaxLogBytes = 4096 },
        new ServiceCollection().BuildServiceProvider());

    [Fact]
    public async Task Runs_the_named_handler_with_its_arguments()
    {
        var outcome = await Run("sum", "{\"a\":2,\"b\":40}");
        Assert.True(outcome.Succeeded);
        Assert.Equal("{\"sum\":42,\"task\":\"t-7\",\"attempt\":2}", outcome.Result);

        Assert.Equal("42", (await Run("double", "21")).Result);
    }

    [Fact]
    public async Task Unknown_name_and_exceptions_fail_with_clear_errors()
    {
        var unknown = await Run("nope", null);
        Assert.False(unknown.Succeeded);
        Assert.Equal("No task handler named 'nope' is registered on node 'node-a' (it has: boom, chatty, double, forever, sum).", unknown.Error);
        Assert.Equal(["boom", "chatty", "double", "forever", "sum"], _executor.Names);

        var failed = await Run("boom", null);
        Assert.Equal("Handler 'boom' failed: InvalidOperationException: disk full", failed.Error);
    }

    [Fact]
    public async Task Logs_keep_the_newest_bytes_within_the_limit_as_process_output_does_and_are_sent_live()
    {
        var live = new RecordedOutput();
        var outcome = await _executor.ExecuteAsync(Execution("chatty", null) with { Output = live }, CancellationToken.None);

        Assert.Equal("Handler 'chatty' failed: InvalidOperationException: said too much", outcome.Error);
        Assert.True(outcome.LogsTruncated);
        Assert.StartsWith("[output truncated: ", outcome.Logs, StringComparison.Ordinal);
        Assert.EndsWith("line 20000\n", outcome.Logs, StringComparison.Ordinal);
        Assert.DoesNotContain("line 00001", outcome.Logs, StringComparison.Ordinal);
        Assert.InRange(outcome.Logs.Length, 4096, 4096 + 100);
        Assert.StartsWith("line 00001\nline 00002\n", live.Text, StringComparison.Ordinal);

        var quiet = await Run("double", "1");
        Assert.False(quiet.LogsTruncated);
        Assert.Equal("", quiet.Logs);
    }

    [Fact]
    public async Task Cancellation_stops_the_handler()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var outcome = await Run("forever", null, cancel.Token).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Handler 'forever' was stopped.", outcome.Error);
    }

    [Fact]
    public void Duplicate_names_are_rejected()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new HandlerTaskExecutor(
            [new TaskHandlerRegistration("x", _ => new Doubler()), new TaskHandlerRegistration("x", _ => new Doubler())],
            new TaskExecutionOptions(),
            new ServiceCollection().BuildServiceProvider()));
        Assert.Equal("Two task handlers are registered under the name 'x'.", e.Message);
    }

    private Task<TaskOutcome> Run(string name, string? arguments, CancellationToken cancellationToken = default) =>
        _executor.ExecuteAsync(Execution(name, arguments), cancellationToken);

    private static TaskExecution Execution(string name, string? arguments) =>
        new("t-7", 2, new TaskSpec { Kind = TaskKind.Handler, Handler = new HandlerSpec { Name = name, Arguments = arguments } }, "node-a");
}
