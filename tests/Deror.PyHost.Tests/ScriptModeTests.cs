using Deror.PyHost.Tests.Infrastructure;

namespace Deror.PyHost.Tests;

/// <summary>`deror-py script.py args...` behaves like python3: argv, exit codes, tracebacks, and the embedded interpreter's identity.</summary>
public sealed class ScriptModeTests
{
    [Fact]
    public async Task Script_gets_its_arguments_and_exits_with_its_code()
    {
        var result = await DerorPy.RunScriptAsync("""
            import sys
            print("argv:", sys.argv[1:])
            sys.exit(int(sys.argv[1]))
            """, null, "7", "two words");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("argv: ['7', 'two words']", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_that_ends_normally_exits_0_and_atexit_handlers_run()
    {
        var result = await DerorPy.RunScriptAsync("""
            import atexit
            atexit.register(lambda: print("atexit ran", flush=True))
            print("done")
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("done\natexit ran\n", result.StandardOutput);
    }

    [Fact]
    public async Task Uncaught_exception_prints_a_traceback_and_exits_1()
    {
        var result = await DerorPy.RunScriptAsync("""
            def fail():
                raise ValueError("bad thing")
            fail()
            """);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Traceback (most recent call last)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("ValueError: bad thing", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemExit_with_a_message_prints_it_and_exits_1()
    {
        var result = await DerorPy.RunScriptAsync("raise SystemExit('stopping here')");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("stopping here", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_script_exits_2_with_a_clear_message()
    {
        using var process = HostProcess.StartDerorPy(["/nonexistent/nothing.py"]);

        Assert.Equal(2, await process.WaitForExitAsync());
        Assert.Contains("can't open file '/nonexistent/nothing.py'", process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interpreter_is_the_embedded_libpython_with_working_extension_modules()
    {
        var result = await DerorPy.RunScriptAsync("""
            import sys, json, ctypes, _deror, deror
            print(sys.executable, sys.prefix, sys.version_info[:2] >= (3, 8))
            print(__name__, deror.__name__, type(_deror).__name__)
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("/usr/bin/python3.11 /usr True", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("__main__ deror module", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_and_module_modes_run_like_python3()
    {
        using var code = HostProcess.StartDerorPy(["-c", "import sys; print('c', sys.argv); sys.exit(5)", "x"]);
        using var module = HostProcess.StartDerorPy(["-m", "json.tool", "--compact"], redirectInput: true);
        await module.Input.WriteAsync("{ \"a\" : [1, 2] }");
        module.Input.Close();

        Assert.Equal(5, await code.WaitForExitAsync());
        Assert.Contains("c ['-c', 'x']", code.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, await module.WaitForExitAsync());
        Assert.Equal("{\"a\":[1,2]}\n", module.StandardOutput);
    }

    [Fact]
    public async Task Bad_command_line_and_missing_libpython_fail_with_usage_errors()
    {
        using var unknown = HostProcess.StartDerorPy(["--frobnicate"]);
        using var libpython = HostProcess.StartDerorPy(["--libpython", "/nonexistent/libpython3.99.so", "-c", "pass"]);

        Assert.Equal(2, await unknown.WaitForExitAsync());
        Assert.Contains("unknown option --frobnicate", unknown.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, await libpython.WaitForExitAsync());
        Assert.Contains("libpython not found at '/nonexistent/libpython3.99.so'", libpython.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repl_runs_piped_input_and_exit_sets_the_code()
    {
        using var repl = HostProcess.StartDerorPy([], redirectInput: true);
        await repl.Input.WriteAsync("x = 6 * 7\nprint('answer', x, deror.__name__)\nexit(4)\n");
        repl.Input.Close();

        Assert.Equal(4, await repl.WaitForExitAsync());
        Assert.Contains("answer 42 deror", repl.StandardOutput, StringComparison.Ordinal);
    }
}
