using System.Net.Http.Json;
using System.Text.Json;

namespace Deror.Cli;

/// <summary>
/// Learns the cluster's gateways from a silo's HTTP API (<c>GET /api/silos</c>): for operators who know the dashboard's
/// address rather than a gateway's.
/// </summary>
internal static class GatewayDiscovery
{
    private sealed record SiloRow(string? Status, string? Gateway);

    public static async Task<IReadOnlyList<string>> GatewaysAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var silos = new Uri(url, "/api/silos");
        using var http = new HttpClient { Timeout = timeout };
        SiloRow[]? rows;
        try
        {
            using var response = await http.GetAsync(silos, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException(ExitCodes.ConnectionFailure, $"{silos} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            rows = await response.Content.ReadFromJsonAsync<SiloRow[]>(new JsonSerializerOptions(JsonSerializerDefaults.Web), cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = e is TaskCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : e.Message;
            throw new CliException(ExitCodes.ConnectionFailure, $"could not read the cluster's silos from {silos}: {reason}");
        }
        var gateways = (rows ?? []).Where(r => r.Status == "Active" && !string.IsNullOrEmpty(r.Gateway)).Select(r => r.Gateway!).ToArray();
        return gateways.Length > 0
            ? gateways
            : throw new CliException(ExitCodes.ConnectionFailure, $"{silos} lists no active silo with a gateway.");
    }
}
