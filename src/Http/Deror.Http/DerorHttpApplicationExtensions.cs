using Deror.Http.Api;
using Deror.Http.Dashboard;
using Deror.Http.Metrics;
using Deror.Http.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

public static class DerorHttpApplicationExtensions
{
    /// <summary>
    /// Serves the silo's HTTP surface: <c>/healthz</c>, <c>/readyz</c>, <c>/api/*</c>, <c>/metrics</c>, the OpenAPI
    /// document at <c>/openapi/v1.json</c> and the dashboard at <c>/</c>. Needs <c>services.AddDerorHttp(...)</c>.
    /// </summary>
    public static WebApplication MapDerorApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Listening from now on, so the counters include what the silo does while it starts.
        app.Services.GetRequiredService<MetricsCollector>();

        app.UseExceptionHandler();
        // Empty error responses (unknown route, wrong method) get a problem+json body too.
        app.UseStatusCodePages();
        app.UseMiddleware<BearerTokenMiddleware>();

        SiloEndpoints.MapProbes(app);
        var api = app.MapGroup("/api");
        ClusterEndpoints.Map(api);
        TaskEndpoints.Map(api);
        EventStreamEndpoint.Map(api);
        SiloEndpoints.Map(api);
        MetricsEndpoint.Map(app);
        app.MapOpenApi("/openapi/{documentName}.json");
        DashboardAssets.Map(app);
        return app;
    }
}
