using System.Text.Json;

namespace Deror.Exo.Simulator.Cluster;

/// <summary>
/// The simulator's discovery (invented; exo uses UDP multicast): each node writes <c>{nodeId}.json</c> with its API
/// address into <c>{ClusterDirectory}/{Namespace}/</c>, so nodes of another namespace never find each other. A node
/// that dies leaves its file behind; peers find it unreachable, as exo finds a vanished peer. Files of processes
/// that no longer exist are removed.
/// </summary>
internal sealed class Discovery(ExoSimOptions options)
{
    private readonly string _directory = Path.Combine(options.ClusterDirectory, options.Namespace);
    private string? _ownFile;

    public void Register(string nodeId, Uri apiAddress)
    {
        Directory.CreateDirectory(_directory);
        _ownFile = Path.Combine(_directory, nodeId + ".json");
        var temp = _ownFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new PeerEndpoint(nodeId, apiAddress, Environment.ProcessId)));
        File.Move(temp, _ownFile, overwrite: true);
    }

    public void Unregister()
    {
        if (_ownFile is not null)
        {
            File.Delete(_ownFile);
        }
    }

    /// <summary>The other nodes registered in this namespace.</summary>
    public IReadOnlyList<PeerEndpoint> Peers()
    {
        if (!Directory.Exists(_directory))
        {
            return [];
        }
        var peers = new List<PeerEndpoint>();
        foreach (var file in Directory.EnumerateFiles(_directory, "*.json"))
        {
            if (file == _ownFile)
            {
                continue;
            }
            PeerEndpoint? peer;
            try
            {
                peer = JsonSerializer.Deserialize<PeerEndpoint>(File.ReadAllText(file));
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                continue; // being written or removed right now; the next tick reads it again
            }
            if (peer is null)
            {
                continue;
            }
            if (!ProcessExists(peer.Pid))
            {
                TryDelete(file);
                continue;
            }
            peers.Add(peer);
        }
        return peers;
    }

    private static bool ProcessExists(int pid) => !OperatingSystem.IsLinux() || Directory.Exists($"/proc/{pid}");

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Another node removed it first.
        }
    }
}

/// <summary>Where a node's API answers.</summary>
internal sealed record PeerEndpoint(string NodeId, Uri ApiAddress, int Pid);
