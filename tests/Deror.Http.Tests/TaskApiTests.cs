using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Deror.Grains;

namespace Deror.Http.Tests;

/// <summary>POST/GET /api/tasks and friends against a silo with two healthy fake nodes.</summary>
public sealed class TaskApiTests : IAsyncLifetime
{
    private ApiSilo _silo = null!;
    private FakeSidecar _node = null!;

    public async Task InitializeAsync()
    {
        _silo = await ApiSilo.StartAsync();
        _node = await _silo.AddHealthyNodeAsync("node-1");
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_submitted_task_is_created_with_its_location_runs_and_shows_its_logs()
    {
        var response = await _silo.Http.PostAsync("/api/tasks", Problems.Json("""{"name":"greet","kind":"process","process":{"command":"echo","arguments":["hi"]}}"""));

        var created = await Problems.ReadAsync<TaskInfo>(response, HttpStatusCode.Created);
        Assert.Equal($"/api/tasks/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("greet", created.Spec.Name);
        Assert.Equal(TaskKind.Process, created.Spec.Kind);

        var done = await Eventually.Until(
            async () => await Problems.ReadAsync<TaskInfo>(await _silo.Http.GetAsync($"/api/tasks/{created.Id}")),
            t => t.State == TaskState.Completed, "the task completed");
        Assert.Equal("node-1", done.Node);
        Assert.Contains(done.History, h => h.To == TaskState.Running);

        var logs = await Problems.ReadAsync<TaskLogs>(await _silo.Http.GetAsync($"/api/tasks/{created.Id}/logs"));
        Assert.Equal("hello from greet\n", logs.Text);
    }

    [Fact]
    public async Task The_api_speaks_the_domain_json_shape_camel_case_with_enum_names()
    {
        var response = await _silo.Http.PostAsync("/api/tasks", Problems.Json("""{"name":"shape","kind":"Process","process":{"command":"true"}}"""));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Contains(json.GetProperty("state").GetString(), Enum.GetNames<TaskState>());
        Assert.Equal("Process", json.GetProperty("spec").GetProperty("kind").GetString());
        Assert.True(json.TryGetProperty("createdAt", out _));
    }

    [Fact]
    public async Task Tasks_are_listed_newest_first_filtered_by_state_and_paged()
    {
        _node.Execute = _ => new TaskCompletionSource<TaskOutcome>().Task; // never finishes: stays Running
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var task = await Problems.ReadAsync<TaskInfo>(await _silo.Http.PostAsJsonAsync("/api/tasks", TaskSpecs.Process($"list-{i}", "sleep", "60"), DerorJson.Options), HttpStatusCode.Created);
            ids.Add(task.Id);
        }
        await Eventually.Until(
            async () => await Problems.ReadAsync<TaskPage>(await _silo.Http.GetAsync("/api/tasks?state=running")),
            page => page.Total == 3, "three tasks are Running");

        var first = await Problems.ReadAsync<TaskPage>(await _silo.Http.GetAsync("/api/tasks?state=Running&offset=0&limit=2"));
        var second = await Problems.ReadAsync<TaskPage>(await _silo.Http.GetAsync("/api/tasks?state=Running&offset=2&limit=2"));
        Assert.Equal(3, first.Total);
        Assert.Equal(2, first.Items.Count);
        Assert.Single(second.Items);
        Assert.Equal(ids.AsEnumerable().Reverse(), first.Items.Concat(second.Items).Select(t => t.Id));

        var completed = await Problems.ReadAsync<TaskPage>(await _silo.Http.GetAsync("/api/tasks?state=Completed"));
        Assert.DoesNotContain(completed.Items, t => ids.Contains(t.Id));
    }

    [Fact]
    public async Task Cancelling_a_running_task_cancels_it_and_cancelling_again_is_a_conflict()
    {
        _node.Execute = _ => new TaskCompletionSource<TaskOutcome>().Task;
        var task = await Problems.ReadAsync<TaskInfo>(await _silo.Http.PostAsJsonAsync("/api/tasks", TaskSpecs.Process("long", "sleep", "60"), DerorJson.Options), HttpStatusCode.Created);
        await Eventually.Until(async () => await _silo.Manager.GetTask(task.Id).GetInfoAsync(), t => t.State == TaskState.Running, "the task runs");

        var cancelled = await Problems.ReadAsync<TaskInfo>(await _silo.Http.PostAsync($"/api/tasks/{task.Id}/cancel", Problems.Json("""{"reason":"operator says stop"}""")));
        Assert.Equal(TaskState.Cancelled, cancelled.State);
        Assert.Equal("operator says stop", cancelled.Reason);

        await Problems.AssertAsync(await _silo.Http.PostAsync($"/api/tasks/{task.Id}/cancel", null), HttpStatusCode.Conflict, "Cancelled");
    }

    [Fact]
    public async Task An_idempotency_key_makes_a_repeated_submission_the_same_task()
    {
        var spec = TaskSpecs.Process("once", "true") with { IdempotencyKey = "deploy-42" };
        var first = await Problems.ReadAsync<TaskInfo>(await _silo.Http.PostAsJsonAsync("/api/tasks", spec, DerorJson.Options), HttpStatusCode.Created);
        var second = await Problems.ReadAsync<TaskInfo>(await _silo.Http.PostAsJsonAsync("/api/tasks", spec, DerorJson.Options), HttpStatusCode.Created);
        Assert.Equal(first.Id, second.Id);

        var other = spec with { Process = new ProcessSpec { Command = "false" } };
        await Problems.AssertAsync(await _silo.Http.PostAsJsonAsync("/api/tasks", other, DerorJson.Options), HttpStatusCode.BadRequest, "different spec");
    }

    [Theory]
    [InlineData("/api/tasks/t-nope")]
    [InlineData("/api/tasks/t-nope/logs")]
    public async Task An_unknown_task_is_404(string path)
        => await Problems.AssertAsync(await _silo.Http.GetAsync(path), HttpStatusCode.NotFound, "t-nope");

    [Fact]
    public async Task Cancelling_an_unknown_task_is_404()
        => await Problems.AssertAsync(await _silo.Http.PostAsync("/api/tasks/t-nope/cancel", null), HttpStatusCode.NotFound, "t-nope");

    [Theory]
    // Unknown fields are rejected, not ignored.
    [InlineData("""{"name":"x","kind":"Process","process":{"command":"true"},"retries":3}""", "retries")]
    [InlineData("""{"name":"x","kind":"Process","process":{"command":"true","cmd":"x"}}""", "cmd")]
    // Wrong types.
    [InlineData("""{"name":"x","kind":"Process","process":{"command":"true"},"maxAttempts":"three"}""", "maxAttempts")]
    [InlineData("""{"name":"x","kind":"Process","process":{"command":"true"},"maxAttempts":"3"}""", "maxAttempts")]
    [InlineData("""{"name":"x","kind":"Teleport","process":{"command":"true"}}""", "kind")]
    [InlineData("""{"name":"x","kind":1,"process":{"command":"true"}}""", "kind")]
    [InlineData("""{"name":["x"],"kind":"Process","process":{"command":"true"}}""", "name")]
    // Not JSON at all, or nothing.
    [InlineData("""{"name":"x",""", "not valid")]
    [InlineData("null", "spec")]
    // Invalid specs.
    [InlineData("""{"name":"x","kind":"Process","process":{"command":"true"},"cron":"every tuesday"}""", "cron")]
    [InlineData("""{"name":"x","kind":"Process","process":{"command":"true"},"resources":{"cpuCores":-1}}""", "resources.cpuCores")]
    [InlineData("""{"name":"x","kind":"Process","process":{"command":"true"},"resources":{"memoryBytes":-5}}""", "resources.memoryBytes")]
    [InlineData("""{"name":"","kind":"Process","process":{"command":"true"}}""", "name")]
    [InlineData("""{"name":"x","kind":"Container"}""", "container")]
    [InlineData("""{"name":"x","kind":"Process","process":{"command":"true"},"maxAttempts":0}""", "maxAttempts")]
    public async Task Bad_task_specs_are_400_problems_naming_what_is_wrong(string body, string mentions)
        => await Problems.AssertAsync(await _silo.Http.PostAsync("/api/tasks", Problems.Json(body)), HttpStatusCode.BadRequest, mentions);

    [Fact]
    public async Task An_empty_body_is_a_400_problem()
        => await Problems.AssertAsync(await _silo.Http.PostAsync("/api/tasks", Problems.Json("")), HttpStatusCode.BadRequest, "body");

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        var response = await _silo.Http.PostAsync("/api/tasks", new StringContent("name=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "application/json");
    }

    [Fact]
    public async Task A_task_pinned_to_an_unknown_node_is_404()
        => await Problems.AssertAsync(
            await _silo.Http.PostAsync("/api/tasks", Problems.Json("""{"name":"x","kind":"Process","process":{"command":"true"},"node":"node-99"}""")),
            HttpStatusCode.NotFound, "node-99");

    [Theory]
    [InlineData("/api/tasks?state=Sleeping", "state 'Sleeping' is not one of")]
    [InlineData("/api/tasks?state=2", "state '2' is not one of")]
    [InlineData("/api/tasks?offset=-1", "offset")]
    [InlineData("/api/tasks?limit=0", "limit")]
    [InlineData("/api/tasks?limit=5000", "limit")]
    [InlineData("/api/tasks?limit=ten", "limit")]
    public async Task Bad_listing_queries_are_400_problems(string path, string mentions)
        => await Problems.AssertAsync(await _silo.Http.GetAsync(path), HttpStatusCode.BadRequest, mentions);

    [Fact]
    public async Task Unknown_routes_and_methods_answer_with_problems_too()
    {
        var missing = await _silo.Http.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        var wrongMethod = await _silo.Http.DeleteAsync("/api/tasks");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("application/problem+json", wrongMethod.Content.Headers.ContentType?.MediaType);
    }
}
