using System.Globalization;
using Deror.Runtime;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Deror.Persistence.Redis;

/// <summary>
/// The membership table of one cluster as one hash: <c>Version</c> (the table version number), <c>VersionEtag</c>
/// (the version row's etag) and one field per silo address holding the row as JSON with its own etag. Every
/// membership change is a MULTI conditioned on <c>VersionEtag</c> (and on the row, for updates), so racing writers
/// cannot both win. Etags come from the cluster's INCR counter and are never reused.
/// </summary>
public sealed class RedisMembershipTable : IMembershipTable
{
    private const string VersionField = "Version";
    private const string VersionEtagField = "VersionEtag";

    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly string _clusterId;
    private readonly ILogger _logger;

    public RedisMembershipTable(RedisConnection connection, string clusterId, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _connection = connection;
        _keys = RedisKeys.ForCluster(clusterId);
        _clusterId = clusterId;
        _logger = loggerFactory.CreateLogger<RedisMembershipTable>();
    }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var database = await _connection.GetDatabaseAsync();
        var etag = await NextEtagAsync(database, cancellationToken);
        var transaction = database.CreateTransaction();
        transaction.AddCondition(Condition.HashNotExists(_keys.Membership, VersionEtagField));
        _ = transaction.HashSetAsync(_keys.Membership, [new HashEntry(VersionField, 0), new HashEntry(VersionEtagField, etag)]);
        if (await transaction.ExecuteAsync().WaitAsync(cancellationToken))
        {
            RedisLog.MembershipTableCreated(_logger, _clusterId);
        }
    }

    public async Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var database = await _connection.GetDatabaseAsync();
        var fields = await database.HashGetAllAsync(_keys.Membership).WaitAsync(cancellationToken);
        var rows = new List<MembershipRow>();
        var version = 0;
        var versionEtag = "";
        foreach (var field in fields)
        {
            if (field.Name == VersionField)
            {
                version = (int)field.Value;
            }
            else if (field.Name == VersionEtagField)
            {
                versionEtag = field.Value!;
            }
            else
            {
                rows.Add(MembershipRowJson.Deserialize(field.Value!));
            }
        }
        return new MembershipTableSnapshot(rows, new TableVersion(version, versionEtag));
    }

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion newVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(newVersion);
        var written = await WriteRowAsync(entry, newVersion, Condition.HashNotExists(_keys.Membership, SiloField(entry.SiloAddress)), cancellationToken);
        if (!written)
        {
            RedisLog.MembershipWriteRejected(_logger, "insert", entry.SiloAddress);
        }
        return written;
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string rowETag, TableVersion newVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(rowETag);
        ArgumentNullException.ThrowIfNull(newVersion);
        var database = await _connection.GetDatabaseAsync();
        // The row condition compares the whole stored value, so it also catches an IAmAlive landing in between;
        // that is not a lost race, so retry for as long as only the IAmAlive time moved.
        while (true)
        {
            var stored = await database.HashGetAsync(_keys.Membership, SiloField(entry.SiloAddress)).WaitAsync(cancellationToken);
            if (stored.IsNull || MembershipRowJson.Deserialize(stored!).ETag != rowETag)
            {
                RedisLog.MembershipWriteRejected(_logger, "update", entry.SiloAddress);
                return false;
            }
            if (await WriteRowAsync(entry, newVersion, Condition.HashEqual(_keys.Membership, SiloField(entry.SiloAddress), stored), cancellationToken))
            {
                return true;
            }
            var versionEtag = await database.HashGetAsync(_keys.Membership, VersionEtagField).WaitAsync(cancellationToken);
            if (versionEtag != newVersion.ETag)
            {
                RedisLog.MembershipWriteRejected(_logger, "update", entry.SiloAddress);
                return false;
            }
        }
    }

    public async Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset iAmAliveTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var database = await _connection.GetDatabaseAsync();
        // Read-modify-write of the one field, conditioned on it being unchanged; the table version is not touched.
        while (true)
        {
            var stored = await database.HashGetAsync(_keys.Membership, SiloField(silo)).WaitAsync(cancellationToken);
            if (stored.IsNull)
            {
                RedisLog.IAmAliveWithoutRow(_logger, silo, _clusterId);
                return;
            }
            var transaction = database.CreateTransaction();
            transaction.AddCondition(Condition.HashEqual(_keys.Membership, SiloField(silo), stored));
            _ = transaction.HashSetAsync(_keys.Membership, SiloField(silo), MembershipRowJson.WithIAmAlive(stored!, iAmAliveTime));
            if (await transaction.ExecuteAsync().WaitAsync(cancellationToken))
            {
                return;
            }
        }
    }

    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        var database = await _connection.GetDatabaseAsync();
        var fields = await database.HashGetAllAsync(_keys.Membership).WaitAsync(cancellationToken);
        var defunct = fields
            .Where(field => !IsVersionField(field.Name))
            .Where(field => MembershipRowJson.Deserialize(field.Value!).Entry is { Status: SiloStatus.Dead } entry && entry.IAmAliveTime < beforeDate);
        // Each row goes only if unchanged since it was read; a dead row never comes back to life, so one pass is enough.
        var removals = defunct.Select(field =>
        {
            var transaction = database.CreateTransaction();
            transaction.AddCondition(Condition.HashEqual(_keys.Membership, field.Name, field.Value));
            _ = transaction.HashDeleteAsync(_keys.Membership, field.Name);
            return transaction.ExecuteAsync();
        }).ToList();
        if (removals.Count > 0)
        {
            var removed = (await Task.WhenAll(removals).WaitAsync(cancellationToken)).Count(done => done);
            RedisLog.DefunctSilosRemoved(_logger, removed, _clusterId);
        }
    }

    /// <summary>Writes the row and moves the version in one MULTI, if the version etag and <paramref name="rowCondition"/> still hold.</summary>
    private async Task<bool> WriteRowAsync(MembershipEntry entry, TableVersion newVersion, Condition rowCondition, CancellationToken cancellationToken)
    {
        var database = await _connection.GetDatabaseAsync();
        var rowEtag = await NextEtagAsync(database, cancellationToken);
        var versionEtag = await NextEtagAsync(database, cancellationToken);
        var transaction = database.CreateTransaction();
        transaction.AddCondition(Condition.HashEqual(_keys.Membership, VersionEtagField, newVersion.ETag));
        transaction.AddCondition(rowCondition);
        _ = transaction.HashSetAsync(_keys.Membership,
        [
            new HashEntry(SiloField(entry.SiloAddress), MembershipRowJson.Serialize(entry, rowEtag)),
            new HashEntry(VersionField, newVersion.Version),
            new HashEntry(VersionEtagField, versionEtag),
        ]);
        return await transaction.ExecuteAsync().WaitAsync(cancellationToken);
    }

    private async Task<string> NextEtagAsync(IDatabase database, CancellationToken cancellationToken)
        => (await database.StringIncrementAsync(_keys.EtagCounter).WaitAsync(cancellationToken)).ToString(CultureInfo.InvariantCulture);

    private static RedisValue SiloField(SiloAddress silo) => silo.ToString();

    private static bool IsVersionField(RedisValue field) => field == VersionField || field == VersionEtagField;
}
