using System.Diagnostics;
using System.Formats.Tar;

namespace Deror.Testing.Servers;

/// <summary>
/// The tests' image: a root filesystem of the static busybox binary and a symlink per applet (sh, echo, sleep, cat,
/// true...), built as a tar in memory and imported into the engine (<c>docker import</c>), so no registry is needed.
/// </summary>
internal static class DockerEngineBusyboxImage
{
    private static readonly string[] Directories = ["bin", "dev", "etc", "proc", "sys", "root"];

    public static byte[] BuildRootFilesystem(string busybox)
    {
        var applets = ListApplets(busybox);
        using var tarball = new MemoryStream();
        using (var tar = new TarWriter(tarball, TarEntryFormat.Pax, leaveOpen: true))
        {
            const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            foreach (var directory in Directories)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory + "/") { Mode = Directory });
            }
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = Directory | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit });
            tar.WriteEntry(busybox, "bin/busybox");
            foreach (var applet in applets.Where(applet => applet != "busybox"))
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" });
            }
        }
        return tarball.ToArray();
    }

    private static List<string> ListApplets(string busybox)
    {
        var start = new ProcessStartInfo(busybox) { ArgumentList = { "--list" }, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {busybox}.");
        var applets = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        process.WaitForExit();
        if (process.ExitCode != 0 || !applets.Contains("sh"))
        {
            throw new InvalidOperationException($"'{busybox} --list' did not list its applets (exit code {process.ExitCode}); the test image needs a busybox with sh.");
        }
        // Applet names are plain words; anything else would not be a safe file name in the image.
        return applets.Where(applet => applet.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '[')).ToList();
    }
}
