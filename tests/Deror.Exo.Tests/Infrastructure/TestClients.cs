namespace Deror.Exo.Tests.Infrastructure;

public static class TestClients
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>A client of one node; the client's own timeouts bound every call.</summary>
    public static ExoClient For(Uri baseAddress, TimeSpan? readTimeout = null) => new(Http, new ExoClientOptions
    {
        BaseAddress = baseAddress,
        ReadTimeout = readTimeout ?? TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(10),
        ChatTimeout = TimeSpan.FromSeconds(20),
        StreamIdleTimeout = TimeSpan.FromSeconds(5),
    });

    /// <summary>The simulator's control endpoint (not part of Exo's API).</summary>
    public static async Task ControlAsync(Uri node, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(node, "_sim/control/" + path)) { Content = content };
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} /_sim/control/{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The master this node follows, from the simulator's status endpoint (exo itself does not expose it).</summary>
    public static async Task<string> MasterIdAsync(Uri node)
    {
        using var status = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync(new Uri(node, "_sim/control/status")));
        return status.RootElement.GetProperty("cluster").GetProperty("masterId").GetString()!;
    }
}
