using System.Text.Json;
using Deror.Grains;

namespace Deror.EndToEnd.Tests;

/// <summary>Every node's status after each node transition in the event log: the cluster's history, not a sample of it.</summary>
internal static class NodeTimeline
{
    /// <summary>One node transition and every node's status right after it.</summary>
    public sealed record Moment(long Sequence, NodeTransitionEvent Transition, IReadOnlyDictionary<string, NodeStatus> Statuses)
    {
        public int Count(NodeStatus status) => Statuses.Values.Count(s => s == status);

        public override string ToString()
            => $"#{Sequence} {Transition.Node} {Transition.From} → {Transition.To} ({Transition.Reason}); then {string.Join(", ", Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"))}";
    }

    /// <summary>Replays the node transitions of <paramref name="events"/> (the log from its start, where every node begins Joining).</summary>
    public static IReadOnlyList<Moment> Replay(IEnumerable<EventRecord> events)
    {
        var statuses = new Dictionary<string, NodeStatus>(StringComparer.Ordinal);
        var moments = new List<Moment>();
        foreach (var e in events.Where(e => e.Type == LifecycleEvents.NodeTransition))
        {
            var transition = JsonSerializer.Deserialize<NodeTransitionEvent>(e.Data, DerorJson.Options)!;
            statuses[transition.Node] = transition.To;
            moments.Add(new Moment(e.Sequence, transition, new Dictionary<string, NodeStatus>(statuses, StringComparer.Ordinal)));
        }
        return moments;
    }

    public static string Describe(IEnumerable<Moment> moments) => string.Join('\n', moments);
}
