using System.Globalization;
using Deror.Cli.Parsing;
using Deror.Client;
using Deror.Grains;
using Deror.Runtime;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Deror.Cli.Output;

/// <summary>How the domain's records look in a terminal.</summary>
internal static class Views
{
    public static IRenderable Health(ClusterHealth health)
    {
        var rows = new List<IRenderable>
        {
            new Markup($"Cluster [bold]{Markup.Escape(health.ClusterId)}[/]: {Status(health.Status)}"),
        };
        rows.AddRange(health.Reasons.Select(r => new Markup($"  - {Markup.Escape(r)}")));
        var nodes = NewTable("NODE", "STATUS", "REASON", "EXO NODE", "TASKS", "HEARTBEAT");
        foreach (var node in health.Nodes)
        {
            nodes.AddRow(Text(node.Name), new Markup(Status(node.Status)), Text(node.Reason), Text(node.ExoNodeId ?? "-"), Text(Number(node.Tasks)), Text(Ago(node.LastHeartbeat)));
        }
        rows.Add(health.Nodes.Count == 0 ? new Markup("[grey]No nodes have reported yet.[/]") : nodes);
        if (health.DesiredModels.Count > 0)
        {
            rows.Add(new Markup($"Models: {health.ServedModels.Count} of {health.DesiredModels.Count} served"));
        }
        if (health.Maintenance is { } maintenance)
        {
            rows.Add(new Markup($"Maintenance {Markup.Escape(maintenance.Id)}: {maintenance.Phase} ({Markup.Escape(maintenance.Detail)})"));
        }
        return new Rows(rows);
    }

    public static IRenderable Nodes(IReadOnlyList<NodeInfo> nodes)
    {
        var table = NewTable("NODE", "STATUS", "SINCE", "REASON", "EXO NODE", "CPU", "MEMORY", "TASKS", "HEARTBEAT");
        foreach (var node in nodes)
        {
            table.AddRow(
                Text(node.Name),
                new Markup(Status(node.Status)),
                Text(Ago(node.StatusSince)),
                Text(node.Reason),
                Text(node.ExoNodeId ?? "-"),
                Text(string.Create(CultureInfo.InvariantCulture, $"{node.ReservedCpuCores:0.##}/{node.Capacity.CpuCores:0.##}")),
                Text($"{ByteSize.Format(node.ReservedMemoryBytes)}/{ByteSize.Format(node.Capacity.MemoryTotalBytes)}"),
                Text(Number(node.Tasks.Count)),
                Text(Ago(node.LastHeartbeat)));
        }
        return nodes.Count == 0 ? new Markup("[grey]No nodes have reported yet.[/]") : table;
    }

    public static IRenderable Node(NodeInfo node)
    {
        var grid = Fields(
            ("Node", Text(node.Name)),
            ("Status", new Markup($"{Status(node.Status)} since {Markup.Escape(Ago(node.StatusSince))}")),
            ("Reason", Text(node.Reason)),
            ("Exo node", Text(node.ExoNodeId ?? "-")),
            ("Silo", Text(node.Silo ?? "-")),
            ("Heartbeat", Text(Ago(node.LastHeartbeat))),
            ("CPU", Text(string.Create(CultureInfo.InvariantCulture, $"{node.ReservedCpuCores:0.##} of {node.Capacity.CpuCores:0.##} cores reserved"))),
            ("Memory", Text($"{ByteSize.Format(node.ReservedMemoryBytes)} of {ByteSize.Format(node.Capacity.MemoryTotalBytes)} reserved, {ByteSize.Format(node.Capacity.MemoryAvailableBytes)} available")),
            ("Backends", Text(node.Capacity.Backends.Count == 0 ? "-" : string.Join(", ", node.Capacity.Backends))),
            ("Handlers", Text(node.Handlers.Count == 0 ? "-" : string.Join(", ", node.Handlers))),
            ("Tasks", Text(node.Tasks.Count == 0 ? "-" : string.Join(", ", node.Tasks))));
        var history = NewTable("AT", "FROM", "TO", "REASON");
        foreach (var t in node.History)
        {
            history.AddRow(Text(Time(t.At)), new Markup(Status(t.From)), new Markup(Status(t.To)), Text(t.Reason));
        }
        return new Rows(grid, history);
    }

    public static IRenderable Tasks(TaskPage page)
    {
        if (page.Items.Count == 0)
        {
            return new Markup("[grey]No tasks.[/]");
        }
        var table = NewTable("ID", "NAME", "KIND", "STATE", "NODE", "ATTEMPT", "CREATED", "UPDATED");
        foreach (var task in page.Items)
        {
            table.AddRow(Text(task.Id), Text(task.Name), Text(task.Kind.ToString()), new Markup(State(task.State)), Text(task.Node ?? "-"), Text(Number(task.Attempt)), Text(Ago(task.CreatedAt)), Text(Ago(task.UpdatedAt)));
        }
        table.Caption($"{page.Items.Count} of {page.Total}");
        return table;
    }

    public static IRenderable Task(TaskInfo task)
    {
        var spec = task.Spec;
        var fields = new List<(string, IRenderable)>
        {
            ("Id", Text(task.Id)),
            ("Name", Text(spec.Name)),
            ("Kind", Text(spec.Kind.ToString())),
            ("Work", Text(Work(spec))),
            ("State", new Markup($"{State(task.State)} [grey]({Markup.Escape(task.Reason)})[/]")),
            ("Node", Text(task.Node ?? "-")),
            ("Attempt", Text($"{task.Attempt} of {spec.MaxAttempts}")),
            ("Created", Text(Time(task.CreatedAt))),
        };
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                fields.Add((name, Text(value)));
            }
        }
        Add("Schedule", spec.Cron);
        Add("Started", task.StartedAt is { } started ? Time(started) : null);
        Add("Finished", task.FinishedAt is { } finished ? Time(finished) : null);
        Add("Next run", task.NextRunAt is { } next ? Time(next) : null);
        Add("Exit code", task.ExitCode?.ToString(CultureInfo.InvariantCulture));
        Add("Result", task.Result);
        Add("Error", task.Error);
        Add("Runs", task.Runs.Count == 0 ? null : string.Join(", ", task.Runs));
        var history = NewTable("AT", "FROM", "TO", "ATTEMPT", "NODE", "REASON");
        foreach (var t in task.History)
        {
            history.AddRow(Text(Time(t.At)), new Markup(State(t.From)), new Markup(State(t.To)), Text(Number(t.Attempt)), Text(t.Node ?? "-"), Text(t.Reason));
        }
        return new Rows(Fields([.. fields]), history);
    }

    public static IRenderable Maintenance(MaintenanceStatus status)
    {
        var table = NewTable("NODE", "STATUS", "DONE", "STARTED", "FINISHED");
        foreach (var step in status.Steps)
        {
            table.AddRow(Text(step.Node), step.Status is { } s ? new Markup(Status(s)) : Text("-"), Text(step.Done ? "yes" : "no"), Text(step.StartedAt is { } a ? Time(a) : "-"), Text(step.FinishedAt is { } b ? Time(b) : "-"));
        }
        table.Title($"Maintenance {status.Id}: {status.Phase} ({status.Detail})");
        return table;
    }

    public static string Event(EventRecord record)
        => $"{record.Sequence,6}  {Time(record.Timestamp)}  {record.Type,-11}  {record.Subject}  {EventSummary(record)}";

    private static string EventSummary(EventRecord record)
    {
        try
        {
            return record.Type switch
            {
                LifecycleEvents.TaskTransition when Parse<TaskTransitionEvent>(record) is { } e => $"{e.From} -> {e.To}: {e.Reason}",
                LifecycleEvents.NodeTransition when Parse<NodeTransitionEvent>(record) is { } e => $"{e.From} -> {e.To}: {e.Reason}",
                LifecycleEvents.Maintenance when Parse<MaintenanceStatus>(record) is { } e => $"{e.Phase}: {e.Detail}",
                LifecycleEvents.ClusterHealth when Parse<ClusterHealth>(record) is { } e => $"{e.Status}: {string.Join("; ", e.Reasons)}",
                _ => record.Data,
            };
        }
        catch (System.Text.Json.JsonException)
        {
            return record.Data;
        }
    }

    private static T? Parse<T>(EventRecord record) => System.Text.Json.JsonSerializer.Deserialize<T>(record.Data, DerorJson.Options);

    private static string Work(TaskSpec spec) => spec.Kind switch
    {
        TaskKind.Container when spec.Container is { } c => string.Join(' ', [c.Image, .. c.Command]),
        TaskKind.Process when spec.Process is { } p => string.Join(' ', [p.Command, .. p.Arguments]),
        TaskKind.Inference when spec.Inference is { } i => $"{i.Model} ({i.Messages.Count} message(s))",
        TaskKind.Handler when spec.Handler is { } h => $"{h.Name}({h.Arguments})",
        _ => "-",
    };

    private static Table NewTable(params string[] columns)
    {
        var table = new Table { Border = TableBorder.Simple };
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column) { NoWrap = column is "ID" or "NODE" });
        }
        return table;
    }

    private static Grid Fields(params (string Name, IRenderable Value)[] fields)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (name, value) in fields)
        {
            grid.AddRow(new Markup($"[bold]{name}[/]"), value);
        }
        return grid;
    }

    public static IRenderable Silos(IReadOnlyList<SiloDetails> silos)
    {
        var table = NewTable("SILO", "STATUS", "ADDRESS", "GATEWAY", "EXO NODE", "STARTED", "LAST ALIVE");
        foreach (var silo in silos)
        {
            table.AddRow(
                Text(silo.Name),
                new Markup(Status(silo.Status)),
                Text(silo.Address),
                Text(silo.Gateway ?? "-"),
                Text(silo.ExoNode ?? "-"),
                Text(Time(silo.StartTime)),
                Text(Ago(silo.IAmAliveTime)));
        }
        return table;
    }

    private static Text Text(string value) => new(value);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Status(ClusterStatus status) => Colored(status.ToString(), status switch
    {
        ClusterStatus.Healthy => "green",
        ClusterStatus.Degraded => "yellow",
        _ => "red",
    });

    private static string Status(NodeStatus status) => Colored(status.ToString(), status switch
    {
        NodeStatus.Healthy => "green",
        NodeStatus.Degraded or NodeStatus.Joining or NodeStatus.Recovering => "yellow",
        NodeStatus.Draining or NodeStatus.Maintenance => "blue",
        _ => "red",
    });

    private static string Status(SiloStatus status) => Colored(status.ToString(), status switch
    {
        SiloStatus.Active => "green",
        SiloStatus.Joining or SiloStatus.ShuttingDown => "yellow",
        _ => "red",
    });

    private static string State(TaskState state) => Colored(state.ToString(), state switch
    {
        TaskState.Completed => "green",
        TaskState.Running or TaskState.Scheduled => "blue",
        TaskState.Pending => "yellow",
        _ => "red",
    });

    private static string Colored(string text, string color) => $"[{color}]{Markup.Escape(text)}[/]";

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Ago(DateTimeOffset? at) => at is { } value ? Durations.Format(DateTimeOffset.UtcNow - value) + " ago" : "never";
}
