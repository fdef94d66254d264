using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Deror.Client;
using Deror.Http;
using Deror.Http.Api;
using Deror.Http.Errors;
using Deror.Http.Metrics;
using Deror.Http.Telemetry;
using Deror.Runtime.Messaging;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class DerorHttpServiceCollectionExtensions
{
    /// <summary>
    /// Adds the silo's HTTP surface (API, event stream, dashboard, /metrics, OTLP export) to a silo host built with
    /// <c>UseDeror</c>; Kestrel listens where <c>Deror:Http</c> says. Map it with <c>app.MapDerorApi()</c>.
    /// </summary>
    public static IServiceCollection AddDerorHttp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DerorHttpOptions>().Bind(configuration.GetSection(DerorHttpOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DerorHttpOptions>, DerorHttpOptionsValidator>());
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<DerorHttpOptions>>((kestrel, http)
            => kestrel.Listen(IPAddress.Parse(http.Value.Address), http.Value.Port));

        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        // Unreadable input throws, so the exception handler answers with problem+json naming what was wrong.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDefaults.FillDetail);
        services.AddExceptionHandler<DerorExceptionHandler>();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Deror silo API";
            document.Info.Description = "Health, nodes, maintenance, tasks and lifecycle events of the Exo cluster this silo belongs to. "
                + "Mutating calls need 'Authorization: Bearer <token>' when the silo has a token (always when it listens beyond loopback).";
            return Task.CompletedTask;
        }));

        services.TryAddSingleton(sp => new ClusterManager(sp.GetRequiredService<Deror.IGrainFactory>(), sp.GetRequiredService<ILocalSiloDetails>().ClusterId));
        services.TryAddSingleton<SiloReadiness>();

        services.TryAddSingleton<MetricsCollector>();
        services.TryAddSingleton<DomainMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<DomainMetrics>());

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OtlpExportOptions>, OtlpExportOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OtlpExportOptions>, OtlpExportOptionsSetup>());
        services.AddOptions<OtlpExportOptions>().ValidateOnStart();
        services.AddHostedService<OtlpExport>();
        services.AddHostedService<HttpAnnouncer>();
        return services;
    }

    /// <summary>
    /// The API's JSON: the domain's shape (<see cref="Deror.Grains.DerorJson"/>: camelCase, enums by name), read strictly —
    /// unknown fields, numbers in strings and enum numbers are errors rather than silently ignored or guessed.
    /// </summary>
    internal static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
    }
}
