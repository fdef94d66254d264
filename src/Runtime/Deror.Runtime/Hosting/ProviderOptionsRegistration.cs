using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Deror.Hosting;

/// <summary>How storage providers register their named, validated options: the last registration of a name wins.</summary>
public static class ProviderOptionsRegistration
{
    public static IServiceCollection ConfigureProviderOptions<TOptions, TValidator>(this IServiceCollection services, string optionsName, Action<TOptions> configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(configure);
        // Last call wins: drop what an earlier call configured under this name, so settings cannot mix.
        // (Keyed descriptors throw on ImplementationInstance, hence the IsKeyedService check.)
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (!services[i].IsKeyedService && services[i].ImplementationInstance is ConfigureNamedOptions<TOptions> earlier && earlier.Name == optionsName)
            {
                services.RemoveAt(i);
            }
        }
        services.AddOptions<TOptions>(optionsName).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services;
    }
}
