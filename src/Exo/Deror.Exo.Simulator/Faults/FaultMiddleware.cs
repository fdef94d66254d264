using Deror.Exo.Simulator.Api;
using Microsoft.AspNetCore.Http;

namespace Deror.Exo.Simulator.Faults;

/// <summary>
/// Applies injected faults. <c>/_sim/control</c> is never affected, so a test can always clear a fault. A hang
/// also silences the peer protocol: to the other nodes a hung node looks gone, as a SIGSTOPped one does.
/// </summary>
internal sealed class FaultMiddleware(RequestDelegate next, FaultState faults)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/_sim/control"))
        {
            await next(context);
            return;
        }
        if (faults.Hang)
        {
            // Accepted, never answered: only the client's own timeout (or giving up) ends the request.
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }
        if (path.StartsWithSegments("/_sim"))
        {
            await next(context);
            return;
        }
        if (faults.Delay > TimeSpan.Zero)
        {
            await Task.Delay(faults.Delay, context.RequestAborted);
        }
        if (faults.ErrorStatus != 0)
        {
            await ExoResults.WriteAsync(context, faults.ErrorStatus, "Simulated failure injected through /_sim/control/errors.");
            return;
        }
        await next(context);
    }
}
