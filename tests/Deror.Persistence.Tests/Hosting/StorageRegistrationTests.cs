using Deror.Configuration;
using Deror.Hosting;
using Deror.Persistence.Sqlite;
using Deror.Persistence.Tests.Conformance;
using Deror.Persistence.Tests.Sqlite;
using Deror.Runtime;
using Deror.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Deror.Persistence.Tests.Hosting;

/// <summary>
/// The registration contract the runtime relies on: grain storage is a keyed IGrainStorage singleton under the
/// provider name, reminders and jobs are singletons, and registering again replaces (last wins).
/// </summary>
public sealed class StorageRegistrationTests : IDisposable
{
    private static readonly GrainId Grain = TestGrains.Create("registration");

    private readonly TemporarySqliteFile _file = new();
    private readonly TemporarySqliteFile _otherFile = new();
    private readonly TestSiloBuilder _silo = new();

    public void Dispose()
    {
        _file.Dispose();
        _otherFile.Dispose();
    }

    [Fact]
    public void MemoryGrainStorageIsAKeyedSingletonUnderItsName()
    {
        _silo.AddMemoryGrainStorage().AddMemoryGrainStorage("archive");
        using var services = _silo.Services.BuildServiceProvider();

        var byDefault = services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        var archive = services.GetRequiredKeyedService<IGrainStorage>("archive");

        Assert.IsType<MemoryGrainStorage>(byDefault);
        Assert.IsType<MemoryGrainStorage>(archive);
        Assert.NotSame(byDefault, archive);
        Assert.Same(byDefault, services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default));
    }

    [Fact]
    public void InMemoryRemindersAndJobsAreSingletons()
    {
        _silo.UseInMemoryReminderService().UseInMemoryDurableJobs();
        using var services = _silo.Services.BuildServiceProvider();

        Assert.IsType<MemoryReminderTable>(services.GetRequiredService<IReminderTable>());
        Assert.Same(services.GetRequiredService<IReminderTable>(), services.GetRequiredService<IReminderTable>());
        Assert.IsType<MemoryDurableJobStore>(services.GetRequiredService<IDurableJobStore>());
        Assert.Same(services.GetRequiredService<IDurableJobStore>(), services.GetRequiredService<IDurableJobStore>());
    }

    [Fact]
    public void TheInMemoryEventLogIsASingletonOrTheGivenSharedStore()
    {
        var shared = new MemoryEventLogStore();
        var other = new TestSiloBuilder();
        _silo.UseInMemoryEventLog(shared);
        other.UseInMemoryEventLog();
        using var services = _silo.Services.BuildServiceProvider();
        using var otherServices = other.Services.BuildServiceProvider();

        Assert.Same(shared, services.GetRequiredService<IEventLogStore>());
        Assert.IsType<MemoryEventLogStore>(otherServices.GetRequiredService<IEventLogStore>());
        Assert.Same(otherServices.GetRequiredService<IEventLogStore>(), otherServices.GetRequiredService<IEventLogStore>());
    }

    [Fact]
    public void RegisteringAgainReplacesTheEarlierProvider()
    {
        _silo.UseSqliteStorage(_file.Path).UseInMemoryReminderService().UseInMemoryDurableJobs().AddMemoryGrainStorage().UseInMemoryEventLog();
        using var services = _silo.Services.BuildServiceProvider();

        Assert.IsType<MemoryEventLogStore>(Assert.Single(services.GetServices<IEventLogStore>()));

        Assert.IsType<MemoryGrainStorage>(Assert.Single(services.GetKeyedServices<IGrainStorage>(GrainStorageNames.Default)));
        Assert.IsType<MemoryReminderTable>(Assert.Single(services.GetServices<IReminderTable>()));
        Assert.IsType<MemoryDurableJobStore>(Assert.Single(services.GetServices<IDurableJobStore>()));
    }

    [Fact]
    public async Task UseSqliteStorageRegistersEveryProviderOnOneFile()
    {
        _silo.UseSqliteStorage(_file.Path);
        using var services = _silo.Services.BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();

        var storage = Assert.IsType<SqliteGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default));
        var reminders = Assert.IsType<SqliteReminderTable>(services.GetRequiredService<IReminderTable>());
        var jobs = Assert.IsType<SqliteDurableJobStore>(services.GetRequiredService<IDurableJobStore>());
        var events = Assert.IsType<SqliteEventLogStore>(services.GetRequiredService<IEventLogStore>());
        await storage.WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);
        await reminders.UpsertRowAsync(new ReminderEntry(Grain, "tick", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1)));
        await jobs.AddAsync(new DurableJobEntry("job-1", Grain, "ship", DateTimeOffset.UnixEpoch, 0, new Dictionary<string, string>()));

        var direct = _file.Track(new SqliteGrainStorage(_file.Options, NullLoggerFactory.Instance));
        Assert.NotNull(await direct.ReadAsync("state", Grain));
        Assert.NotNull(await _file.Track(new SqliteReminderTable(_file.Options, NullLoggerFactory.Instance)).ReadRowAsync(Grain, "tick"));
        Assert.NotNull(await _file.Track(new SqliteDurableJobStore(_file.Options, NullLoggerFactory.Instance)).ReadAsync("job-1"));
        // The event log is keyed by the cluster id (SiloOptions' default here).
        await events.AppendAsync("tasks", [new NewEvent("e", "s", DateTimeOffset.UnixEpoch, "{}")]);
        Assert.Equal(1, await _file.Track(new SqliteEventLogStore(_file.Options, new SiloOptions().ClusterId, NullLoggerFactory.Instance)).GetLastSequenceAsync("tasks"));
    }

    [Fact]
    public async Task ConfiguringASqliteProviderAgainReplacesItsEarlierOptions()
    {
        // The first call sets ConnectionString, the second DatabasePath: mixed, they would fail validation.
        _silo.AddSqliteGrainStorage("archive", options => options.ConnectionString = $"Data Source={_file.Path}")
            .AddSqliteGrainStorage("archive", options => options.DatabasePath = _otherFile.Path);
        using var services = _silo.Services.BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();

        await services.GetRequiredKeyedService<IGrainStorage>("archive").WriteAsync("state", Grain, new byte[] { 1 }, expectedEtag: null);

        Assert.NotNull(await _otherFile.Track(new SqliteGrainStorage(_otherFile.Options, NullLoggerFactory.Instance)).ReadAsync("state", Grain));
        Assert.False(File.Exists(_file.Path));
    }

    [Fact]
    public void MissingDatabasePathFailsStartupValidationNamingTheOption()
    {
        _silo.UseSqliteReminderService(_ => { });
        using var services = _silo.Services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("SqliteStorageOptions.DatabasePath", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonPositiveBusyTimeoutFailsStartupValidationNamingTheOption()
    {
        _silo.UseSqliteDurableJobs(options =>
        {
            options.DatabasePath = _file.Path;
            options.BusyTimeout = TimeSpan.Zero;
        });
        using var services = _silo.Services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("SqliteStorageOptions.BusyTimeout", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConstructingAProviderWithInvalidOptionsThrowsNamingTheOption()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => new SqliteGrainStorage(new SqliteStorageOptions(), NullLoggerFactory.Instance));

        Assert.Contains("SqliteStorageOptions.DatabasePath", failure.Message, StringComparison.Ordinal);
    }
}
