namespace Deror;

/// <summary>Implemented by grains that receive reminders.</summary>
public interface IRemindable : IGrain
{
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>Timing of one reminder tick.</summary>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

/// <summary>A handle to a registered reminder.</summary>
public interface IGrainReminder
{
    string ReminderName { get; }
}

/// <summary>Registers, reads and removes the reminders of one grain. Grains use the extension methods on <see cref="Grain"/>.</summary>
public interface IReminderRegistry
{
    Task<IGrainReminder> RegisterOrUpdateReminder(GrainId callingGrainId, string reminderName, TimeSpan dueTime, TimeSpan period);

    Task UnregisterReminder(GrainId callingGrainId, IGrainReminder reminder);

    Task<IGrainReminder?> GetReminder(GrainId callingGrainId, string reminderName);

    Task<IReadOnlyList<IGrainReminder>> GetReminders(GrainId callingGrainId);
}

/// <summary>Orleans-style reminder methods on grains: <c>this.RegisterOrUpdateReminder(...)</c>.</summary>
public static class GrainReminderExtensions
{
    public static Task<IGrainReminder> RegisterOrUpdateReminder(this Grain grain, string reminderName, TimeSpan dueTime, TimeSpan period)
        => Registry(grain).RegisterOrUpdateReminder(grain.GrainId, reminderName, dueTime, period);

    public static Task UnregisterReminder(this Grain grain, IGrainReminder reminder)
        => Registry(grain).UnregisterReminder(grain.GrainId, reminder);

    public static Task<IGrainReminder?> GetReminder(this Grain grain, string reminderName)
        => Registry(grain).GetReminder(grain.GrainId, reminderName);

    public static Task<IReadOnlyList<IGrainReminder>> GetReminders(this Grain grain)
        => Registry(grain).GetReminders(grain.GrainId);

    private static IReminderRegistry Registry(Grain grain)
    {
        if (grain is not IRemindable)
        {
            throw new InvalidOperationException($"{grain.GetType().Name} must implement {nameof(IRemindable)} to use reminders.");
        }
        return grain.GrainContext.ActivationServices.GetService(typeof(IReminderRegistry)) as IReminderRegistry
            ?? throw new InvalidOperationException("No reminder service is configured on this silo (call UseInMemoryReminderService or a durable one).");
    }
}
