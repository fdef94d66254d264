// The tests start and signal POSIX processes: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Each test runs a cluster of 3 silos and 3 Exo simulators; two such clusters at once would starve a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
