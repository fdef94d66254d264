using Deror.Exo.Models;
using Deror.Exo.Simulator.Cluster;
using Microsoft.AspNetCore.Http;

namespace Deror.Exo.Simulator.Api;

/// <summary>
/// Runs a mutating API call on the master. As in exo, the call waits out a running election with no server
/// timeout; a node that is not master replays the request on the master and relays its answer.
/// </summary>
internal sealed class MasterCommands(ClusterNode node)
{
    public async Task<IResult> ExecuteAsync(HttpContext context, byte[] body, Func<MasterStore, ExoState, IResult> onMaster)
    {
        var cancellationToken = context.RequestAborted;
        while (true)
        {
            var master = await node.WaitForMasterAsync(cancellationToken);
            if (master.Address is null)
            {
                if (node.TryAsMaster(onMaster, out var result))
                {
                    return result;
                }
                continue; // an election started in between
            }
            if (context.Request.Headers.ContainsKey(PeerClient.ForwardedHeader))
            {
                // The sender takes this node for master but it is not (views differ during an election): it retries.
                context.Response.Headers[PeerClient.NotMasterHeader] = "1";
                return ExoResults.Create(StatusCodes.Status503ServiceUnavailable, "This node is not the master.");
            }
            HttpResponseMessage response;
            try
            {
                response = await node.Peers.ForwardAsync(
                    master.Address, context.Request.Method, context.Request.Path + context.Request.QueryString, body, context.Request.ContentType, cancellationToken);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(node.Options.TickInterval, cancellationToken); // the master went away: wait for the next election
                continue;
            }
            using (response)
            {
                if (response.Headers.Contains(PeerClient.NotMasterHeader))
                {
                    await Task.Delay(node.Options.TickInterval, cancellationToken);
                    continue;
                }
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                return new RelayedResult((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "application/json", bytes);
            }
        }
    }
}

/// <summary>The master's answer, status and body as they came.</summary>
internal sealed class RelayedResult(int status, string contentType, byte[] body) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = contentType;
        await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
