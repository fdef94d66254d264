using System.Net;
using System.Net.Http.Json;
using Deror.Grains;
using Deror.Http.Security;

namespace Deror.Http.Tests;

/// <summary>With a token configured, every mutating call needs it; reads stay open.</summary>
public sealed class TokenTests : IAsyncLifetime
{
    private const string Token = "s3cret-token-for-tests-only";

    private ApiSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await ApiSilo.StartAsync(new Dictionary<string, string?> { ["Deror:Http:Token"] = Token });
        await _silo.AddHealthyNodeAsync("node-1");
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    public static TheoryData<string, string?> MutatingCalls => new()
    {
        { "/api/tasks", """{"name":"x","kind":"Process","process":{"command":"true"}}""" },
        { "/api/tasks/t-any/cancel", null },
        { "/api/maintenance", "{}" },
        { "/api/maintenance/cancel", null },
    };

    [Theory]
    [MemberData(nameof(MutatingCalls))]
    public async Task A_mutating_call_without_the_token_is_401_and_changes_nothing(string path, string? body)
    {
        var response = await _silo.Http.PostAsync(path, body is null ? null : Problems.Json(body));

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "Authorization: Bearer");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(0, (await _silo.Manager.ListTasksAsync()).Total);
        Assert.Null(await _silo.Manager.GetMaintenanceAsync());
    }

    [Theory]
    [InlineData("Bearer wrong-token-of-some-length")]
    [InlineData("Bearer " + Token + "x")]
    [InlineData("Basic " + Token)]
    [InlineData("Bearer")]
    public async Task A_wrong_token_or_scheme_is_401(string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = Problems.Json("""{"name":"x","kind":"Process","process":{"command":"true"}}""") };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        await Problems.AssertAsync(await _silo.Http.SendAsync(request), HttpStatusCode.Unauthorized, "token");
        Assert.Equal(0, (await _silo.Manager.ListTasksAsync()).Total);
    }

    [Fact]
    public async Task The_right_token_lets_a_mutating_call_through()
    {
        using var client = _silo.ClientWithToken(Token);

        var created = await Problems.ReadAsync<TaskInfo>(await client.PostAsJsonAsync("/api/tasks", TaskSpecs.Process("ok", "true"), DerorJson.Options), HttpStatusCode.Created);

        Assert.Equal("ok", created.Spec.Name);
    }

    [Theory]
    [InlineData("/api/cluster/health")]
    [InlineData("/api/nodes")]
    [InlineData("/api/tasks")]
    [InlineData("/api/silos")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    [InlineData("/")]
    public async Task Reads_need_no_token(string path)
        => Assert.Equal(HttpStatusCode.OK, (await _silo.Http.GetAsync(path)).StatusCode);

    [Fact]
    public void Token_comparison_accepts_only_the_exact_token()
    {
        var token = new BearerToken(Token);

        Assert.True(token.Matches(Token));
        Assert.False(token.Matches(Token.ToUpperInvariant()));
        Assert.False(token.Matches(Token[..^1]));
        Assert.False(token.Matches(""));
        Assert.False(token.Matches(null));
        Assert.Equal("abc", BearerToken.FromHeader("bearer  abc "));
        Assert.Null(BearerToken.FromHeader("Basic abc"));
    }
}
