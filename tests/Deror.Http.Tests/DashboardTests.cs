using System.Net;
using System.Net.Http.Json;
using Deror.Grains;
using Microsoft.Playwright;

namespace Deror.Http.Tests;

/// <summary>
/// The dashboard in headless Chromium (Debian's, driven by Playwright) against a silo with three fake nodes. The silo
/// has a token, so the dashboard's own changes (retry, cancel) need it entered.
/// </summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const float WaitMs = 20_000;
    private const string Token = "dashboard-test-token-0123";
    private const string Red = "rgb(217, 48, 37)";
    private const string Green = "rgb(31, 157, 85)";

    private ApiSilo _silo = null!;
    private HttpClient _api = null!;
    private readonly List<FakeSidecar> _nodes = [];
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/install-test-dependencies.sh (Debian package chromium).");
        _silo = await ApiSilo.StartAsync(new Dictionary<string, string?> { ["Deror:Http:Token"] = Token });
        _api = _silo.ClientWithToken(Token);
        foreach (var node in new[] { "node-1", "node-2", "node-3" })
        {
            _nodes.Add(await _silo.AddHealthyNodeAsync(node));
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _api.Dispose();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task The_dashboard_shows_the_nodes_a_task_completing_and_a_node_turning_red_and_back()
    {
        var page = await _browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(_silo.BaseAddress.ToString());

        // Three healthy nodes, a healthy cluster, and the live event stream connected.
        foreach (var node in _nodes)
        {
            await Row(page, "nodes", "node", node.Node, "Healthy");
        }
        await Assertions.Expect(page.Locator("#nodes tr[data-node]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#cluster-status")).ToHaveAttributeAsync("data-status", "Healthy", new() { Timeout = WaitMs });
        await Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = WaitMs });
        await Assertions.Expect(page.Locator("#silos tr[data-status='Active']")).ToHaveCountAsync(1, new() { Timeout = WaitMs });

        // A submitted task appears and completes; its detail shows the timeline and the logs.
        var gate = new TaskCompletionSource();
        foreach (var node in _nodes)
        {
            node.Execute = async assignment =>
            {
                await gate.Task;
                return new TaskOutcome { Succeeded = true, ExitCode = 0, Logs = $"hello from {assignment.Spec.Name}\n" };
            };
        }
        var task = await Problems.ReadAsync<TaskInfo>(await _api.PostAsJsonAsync("/api/tasks", TaskSpecs.Process("browser-task", "echo", "hi"), DerorJson.Options), HttpStatusCode.Created);
        await Row(page, "tasks", "task", task.Id, "Running");
        gate.SetResult();
        await Row(page, "tasks", "task", task.Id, "Completed");
        await page.Locator($"#tasks tr[data-task='{task.Id}']").ClickAsync();
        await Assertions.Expect(page.Locator("#task-detail pre.logs")).ToHaveTextAsync("hello from browser-task\n", new() { Timeout = WaitMs });
        await Assertions.Expect(page.Locator("#task-detail .timeline li")).Not.ToHaveCountAsync(0);

        // Retry submits the same work again as a new task, which completes too.
        await EnterTokenAsync(page);
        await page.Locator("#task-detail button", new() { HasText = "Retry" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tasks tr[data-task][data-state='Completed']")).ToHaveCountAsync(2, new() { Timeout = WaitMs });

        // Exo on node-2 stops answering: its row turns red; when it answers again, green.
        var sick = _nodes[1];
        sick.ExoDown = true;
        // Rows are re-rendered on every refresh, so these are retrying assertions, not one-off reads.
        var row = await Row(page, "nodes", "node", sick.Node, "Unreachable");
        await Assertions.Expect(row.Locator(".badge")).ToHaveCSSAsync("background-color", Red, new() { Timeout = WaitMs });
        await Assertions.Expect(row).ToHaveClassAsync("bad", new() { Timeout = WaitMs });
        sick.ExoDown = false;
        row = await Row(page, "nodes", "node", sick.Node, "Healthy");
        await Assertions.Expect(row.Locator(".badge")).ToHaveCSSAsync("background-color", Green, new() { Timeout = WaitMs });

        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_running_task_is_cancelled_from_the_dashboard_once_the_token_is_entered()
    {
        _nodes[0].Execute = _ => new TaskCompletionSource<TaskOutcome>().Task;
        var spec = TaskSpecs.Process("to-cancel", "sleep", "60") with { Node = _nodes[0].Node };
        var task = await Problems.ReadAsync<TaskInfo>(await _api.PostAsJsonAsync("/api/tasks", spec, DerorJson.Options), HttpStatusCode.Created);
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_silo.BaseAddress.ToString());

        await (await Row(page, "tasks", "task", task.Id, "Running")).ClickAsync();
        var cancel = page.Locator("#task-detail button", new() { HasText = "Cancel" });

        // Without the token the silo refuses, and the dashboard says what to do.
        await cancel.ClickAsync();
        await Assertions.Expect(page.Locator("#toast.error")).ToContainTextAsync("Enter the token", new() { Timeout = WaitMs });
        Assert.Equal(TaskState.Running, (await _silo.Manager.GetTask(task.Id).GetInfoAsync()).State);

        await EnterTokenAsync(page);
        await cancel.ClickAsync();
        await Row(page, "tasks", "task", task.Id, "Cancelled");
        Assert.Equal(TaskState.Cancelled, (await _silo.Manager.GetTask(task.Id).GetInfoAsync()).State);
    }

    private static async Task EnterTokenAsync(IPage page)
    {
        await page.FillAsync("#token", Token);
        await page.Locator("#token").DispatchEventAsync("change");
    }

    private static async Task<ILocator> Row(IPage page, string table, string key, string id, string status)
    {
        var attribute = table == "tasks" ? "data-state" : "data-status";
        var row = page.Locator($"#{table} tr[data-{key}='{id}'][{attribute}='{status}']");
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = WaitMs });
        return row;
    }
}
