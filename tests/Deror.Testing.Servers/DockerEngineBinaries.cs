namespace Deror.Testing.Servers;

/// <summary>
/// The programs a private Docker engine needs, from Debian's docker.io (dockerd, containerd, runc, the docker CLI)
/// and busybox-static (the test image's only binary). Debian's locations are searched before PATH, so the CLI that
/// matches the engine wins over another one installed elsewhere.
/// </summary>
public sealed record DockerEngineBinaries(string Dockerd, string Containerd, string Runc, string DockerCli, string Busybox)
{
    private static readonly string[] DebianDirectories = ["/usr/sbin", "/usr/bin", "/bin", "/sbin"];

    /// <summary>Finds every program, or throws naming the missing ones and how to install them.</summary>
    public static DockerEngineBinaries Find()
    {
        var missing = new List<string>();
        string Locate(string name)
        {
            var found = DebianDirectories
                .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                .Select(directory => Path.Combine(directory, name))
                .FirstOrDefault(File.Exists);
            if (found is null)
            {
                missing.Add(name);
            }
            return found ?? "";
        }
        var binaries = new DockerEngineBinaries(Locate("dockerd"), Locate("containerd"), Locate("runc"), Locate("docker"), Locate("busybox"));
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The Docker tests start a private dockerd and need {string.Join(", ", missing)}, not found in {string.Join(", ", DebianDirectories)} or on PATH. " +
                "Run scripts/install-test-dependencies.sh as root (Debian packages docker.io and busybox-static).");
        }
        return binaries;
    }
}
