using System.Runtime.InteropServices;

namespace Deror.Cli;

/// <summary>
/// Ctrl-C and SIGTERM as cancellation: the first signal cancels <see cref="Stop"/> (commands wind down and
/// <c>deror up</c> stops its processes gracefully), a second one cancels <see cref="Force"/> (stop now).
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _force = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _count;

    public Interrupts()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Stop => _stop.Token;

    public CancellationToken Force => _force.Token;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // handled here: the process ends when the command returns, not at once
        (Interlocked.Increment(ref _count) == 1 ? _stop : _force).Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _stop.Dispose();
        _force.Dispose();
    }
}
