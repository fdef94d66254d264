using Deror.Configuration;
using Deror.Invocation;
using Deror.Messaging;
using Deror.Runtime.Scheduling;
using Deror.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Deror.Runtime.Messaging;

/// <summary>Delivers calls made through grain references on a silo (by grains and silo services).</summary>
internal sealed class SiloRuntimeClient(
    IServiceProvider services,
    ILocalSiloDetails silo,
    ICodec codec,
    TimeProvider clock,
    IOptions<MessagingOptions> options)
    : OutboundRuntimeClient(codec, clock, options.Value.ResponseTimeout)
{
    private MessageCenter? _messageCenter;

    protected override GrainId? CurrentSender => ActivationTaskScheduler.CurrentContext?.GrainId;

    protected override SiloAddress? SendingSilo => silo.SiloAddress;

    // Resolved on first use: the message center depends on this client for responses.
    private MessageCenter MessageCenter => _messageCenter ??= services.GetRequiredService<MessageCenter>();

    protected override void Send(Message message) => MessageCenter.SendRequest(message);
}
