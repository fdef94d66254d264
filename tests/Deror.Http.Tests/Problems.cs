using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Deror.Grains;

namespace Deror.Http.Tests;

/// <summary>Assertions and helpers for the API's JSON and its problem+json errors.</summary>
internal static class Problems
{
    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> whose detail mentions <paramref name="detailContains"/>.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString() ?? "";
        Assert.True(detail.Contains(detailContains, StringComparison.OrdinalIgnoreCase), $"The detail '{detail}' does not mention '{detailContains}'.");
        return problem;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        if (response.StatusCode != expected)
        {
            Assert.Fail($"Expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<T>(DerorJson.Options))!;
    }
}
