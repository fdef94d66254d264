namespace Deror.PyHost.Embedding;

/// <summary>
/// Points .NET's <see cref="Console"/> at fresh writers on file descriptors 1 and 2. ipykernel swaps those
/// descriptors for pipes it forwards to the notebook; writers opened before that would bypass them.
/// </summary>
internal sealed class ConsoleRebinding
{
    private TextWriter? _originalOut;
    private TextWriter? _originalError;

    public void Rebind()
    {
        _originalOut ??= Console.Out;
        _originalError ??= Console.Error;
        Console.SetOut(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true });
        Console.SetError(new StreamWriter(Console.OpenStandardError()) { AutoFlush = true });
    }

    public void Restore()
    {
        if (_originalOut is not null && _originalError is not null)
        {
            Console.SetOut(_originalOut);
            Console.SetError(_originalError);
        }
    }
}
