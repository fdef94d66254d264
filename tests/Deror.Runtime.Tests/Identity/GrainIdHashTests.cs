using System.Text;
using Xunit;

namespace Deror.Runtime.Tests.Identity;

/// <summary>
/// The uniform hash is persisted by stores and splits reminder/job ranges, so it must never change. The expected
/// values were produced by the original implementation (<c>StableHash.Compute(type + "/" + key)</c>).
/// </summary>
public sealed class GrainIdHashTests
{
    public static TheoryData<string, string, uint> Samples => new()
    {
        { "player", "42", 0x5ab0fddau },
        { "player", "a/b", 0x92ac6f59u },
        { "EchoGrain", "0", 0xd970828cu },
        { "sys.client", "3f2504e04f8941d39a0c0305e82c3301", 0xe6ed64d0u },
        { "game", "", 0x76118c5fu },
        { "ünïcode", "ключ-🔑", 0xe266d7f5u },
        { "chat.room", new string('x', 300), 0x744e58d8u },
        { "t", "\ud800lone", 0x71bb010bu },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Uniform_hash_is_unchanged(string type, string key, uint expected)
    {
        Assert.Equal(expected, GrainId.Create(new GrainType(type), key).GetUniformHashCode());
        Assert.Equal(expected, StableHash.Compute(type + "/" + key));
        Assert.Equal(expected, StableHash.Compute(Encoding.UTF8.GetBytes(type + "/" + key)));
    }
}
