using System.Net.Http.Json;
using Deror.Exo.Json;
using Deror.Exo.Models;
using Microsoft.Extensions.Logging;

namespace Deror.Exo.Simulator.Cluster;

/// <summary>The simulator's node-to-node calls over HTTP (invented: exo's nodes talk over zenoh).</summary>
internal sealed class PeerClient(HttpClient http, ExoSimOptions options, ILogger logger)
{
    public const string ForwardedHeader = "x-exo-sim-forwarded";
    public const string NotMasterHeader = "x-exo-sim-not-master";

    /// <summary>The peer's report, or null when it does not answer within the probe timeout (down, hung or stopped).</summary>
    public async Task<PeerReport?> ProbeAsync(PeerEndpoint peer, bool includeState, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ProbeTimeout);
        try
        {
            var report = await http.GetFromJsonAsync<PeerReport>(
                new Uri(peer.ApiAddress, $"_sim/peer/report?state={(includeState ? "true" : "false")}"), ExoJson.Options, timeout.Token);
            return report?.NodeId == peer.NodeId ? report : null; // a restarted node answers with a new id on a reused port
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            Log.ProbeFailed(logger, peer.NodeId, peer.ApiAddress, e.Message);
            return null;
        }
    }

    /// <summary>Replays a public request on the master, with no timeout (exo's forwarded commands have none either).</summary>
    public async Task<HttpResponseMessage> ForwardAsync(Uri master, string method, string pathAndQuery, byte[] body, string? contentType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(master, pathAndQuery.TrimStart('/')));
        request.Headers.Add(ForwardedHeader, "1");
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>Records a chat task in the master's state (best effort, like any observer of exo's tasks would see).</summary>
    public async Task PutTaskAsync(Uri master, ExoTask task, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ProbeTimeout);
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(master, "_sim/peer/tasks"), task, ExoJson.Options, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                Log.TaskNotRecorded(logger, task.TaskId, $"the master answered {(int)response.StatusCode}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Log.TaskNotRecorded(logger, task.TaskId, e.Message);
        }
    }
}
