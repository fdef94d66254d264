using System.Text;
using Deror.Agent.Execution;

namespace Deror.Agent.Tests;

/// <summary>Live output an executor sent, as text.</summary>
internal sealed class RecordedOutput : ILiveOutput
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    public void Write(ReadOnlySpan<byte> utf8)
    {
        lock (_lock)
        {
            _text.Append(Encoding.UTF8.GetString(utf8));
        }
    }
}
