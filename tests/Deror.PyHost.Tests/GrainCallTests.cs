using Deror.PyHost.Tests.Infrastructure;

namespace Deror.PyHost.Tests;

/// <summary>The escape hatch `deror.grain(interface, key)` against a real silo hosting IHelloGrain, and how failures surface in Python.</summary>
public sealed class GrainCallTests(HelloCluster cluster) : IClassFixture<HelloCluster>
{
    [Fact]
    public async Task Grain_methods_are_called_by_name_and_return_python_objects()
    {
        var result = await DerorPy.RunScriptAsync("""
            import deror
            greeter = deror.grain("IHelloGrain", "calls")
            first = greeter.SayHello("python")
            second = greeter.say_hello(**{"from": "kwargs"})
            print(type(first).__name__, sorted(first))
            print(first["text"])
            print(first["count"], second["count"], greeter.get_greeting_count(), greeter.call("GetGreetingCount"))
            print(deror.grain("Deror.Grains.IHelloGrain", "calls").get_greeting_count(timeout=5))
            print(deror.interfaces())
            print(type(greeter.get_greeting_count()).__name__, greeter.say_hello is greeter.say_hello)
            """, cluster.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n');
        Assert.Equal("dict ['at', 'count', 'text']", lines[0]);
        Assert.Equal("Hello, python! This is calls.", lines[1]);
        Assert.Equal("1 2 2 2", lines[2]);
        Assert.Equal("2", lines[3]);
        Assert.Contains("'Deror.Grains.IHelloGrain'", lines[4], StringComparison.Ordinal);
        Assert.Equal("int True", lines[5]); // an integer result without JSON; the bound method kept on the grain
        Assert.Equal(2, await cluster.Cluster.Client.GetGrain<Deror.Grains.IHelloGrain>("calls").GetGreetingCount());
    }

    [Fact]
    public async Task Failures_raise_deror_errors_with_the_dotnet_message()
    {
        var result = await DerorPy.RunScriptAsync("""
            import builtins, deror

            def show(label, call):
                try:
                    call()
                except Exception as e:
                    print(label, "|", type(e).__name__, "|", isinstance(e, deror.DerorError), "|", e.dotnet_type if hasattr(e, "dotnet_type") else None, "|", e)

            greeter = deror.grain("IHelloGrain", "errors")
            show("grain", lambda: greeter.say_hello("  "))
            show("interface", lambda: deror.grain("INoSuchGrain", "x").anything())
            show("method", lambda: greeter.fly())
            show("arguments", lambda: greeter.say_hello(42))
            show("arity", lambda: greeter.say_hello("a", "b"))
            print(issubclass(deror.TimeoutError, builtins.TimeoutError), issubclass(deror.ConnectionError, builtins.ConnectionError))
            print(issubclass(deror.NotFoundError, LookupError), issubclass(deror.InvalidArgumentError, ValueError))
            """, cluster.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n');
        Assert.StartsWith("grain | InvalidArgumentError | True | System.ArgumentException | The value cannot be an empty string or composed entirely of whitespace.", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("interface | NotFoundError | True | Deror.PyHost.Cluster.GrainMemberNotFoundException | No grain interface named 'INoSuchGrain'. Known interfaces: ", lines[1], StringComparison.Ordinal);
        Assert.Contains("Deror.Grains.IHelloGrain", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("method | NotFoundError | True | Deror.PyHost.Cluster.GrainMemberNotFoundException | IHelloGrain has no method 'fly'. Its methods: GetGreetingCount, SayHello.", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("arguments | TypeError | False | Deror.PyHost.Cluster.PythonArgumentException | Argument 'from' of IHelloGrain.SayHello must be String:", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("arity | TypeError | False | Deror.PyHost.Cluster.PythonArgumentException | IHelloGrain.SayHello does not take 2 positional argument(s): SayHello(from: String)", lines[4], StringComparison.Ordinal);
        Assert.Equal("True True", lines[5]);
        Assert.Equal("True True", lines[6]);
    }

    [Fact]
    public async Task Unreachable_cluster_raises_ConnectionError_and_a_slow_call_TimeoutError()
    {
        using var silent = new SilentGateway();
        var result = await DerorPy.RunScriptAsync($$"""
            import deror
            try:
                deror.connect("127.0.0.1:{{FreePort.Next()}}", "nowhere", connect_timeout=0.5)
            except ConnectionError as e:
                print("connection |", type(e).__name__, "|", e)
            deror.connect("{{cluster.Gateway}}", "{{cluster.ClusterId}}")
            try:
                deror.grain("IHelloGrain", "slow").get_greeting_count(timeout=0.000001)
            except TimeoutError as e:
                print("timeout |", type(e).__name__, "|", e)
            print("after", deror.grain("IHelloGrain", "slow").get_greeting_count())
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n');
        Assert.StartsWith("connection | ConnectionError | Could not connect to any gateway of cluster 'nowhere'", lines[0], StringComparison.Ordinal);
        Assert.Equal("timeout | TimeoutError | IHelloGrain.get_greeting_count on 'slow' did not complete within 0 s.", lines[1]);
        Assert.Equal("after 0", lines[2]);
    }

    [Fact]
    public async Task Calls_from_many_python_threads_all_complete()
    {
        var result = await DerorPy.RunScriptAsync("""
            import threading, deror
            greeter = deror.grain("IHelloGrain", "threads")
            counts, errors = [], []
            def work():
                try:
                    for _ in range(25):
                        counts.append(greeter.say_hello("thread")["count"])
                except Exception as e:
                    errors.append(e)
            threads = [threading.Thread(target=work) for _ in range(8)]
            for t in threads: t.start()
            for t in threads: t.join()
            print(len(counts), len(set(counts)), max(counts), errors)
            """, cluster.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("200 200 200 []\n", result.StandardOutput);
    }

    [Fact]
    public async Task Async_calls_complete_futures_on_the_running_loop()
    {
        var result = await DerorPy.RunScriptAsync("""
            import asyncio, deror
            greeter = deror.grain("IHelloGrain", "async")
            async def main():
                greetings = await asyncio.gather(*(greeter.say_hello.call_async(f"n{i}") for i in range(20)))
                count = await greeter.call_async("GetGreetingCount")
                try:
                    await greeter.say_hello.call_async("")
                except deror.InvalidArgumentError as e:
                    print("error", e.dotnet_type)
                return sorted(g["count"] for g in greetings), count
            counts, count = asyncio.run(main())
            print(counts == list(range(1, 21)), count)
            """, cluster.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("error System.ArgumentException\nTrue 20\n", result.StandardOutput);
    }
}
