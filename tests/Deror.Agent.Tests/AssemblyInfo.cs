// The agent drives POSIX processes and signals: its tests run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
