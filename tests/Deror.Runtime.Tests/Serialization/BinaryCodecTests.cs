using Deror.Invocation;
using Deror.Serialization;
using Xunit;

namespace Deror.Runtime.Tests.Serialization;

public enum Color : byte { Red = 1, Green = 200 }

public enum BigFlags : ulong { None = 0, High = 1UL << 63 }

public enum Negative : short { Minus = -5 }

public sealed record Point(int X, int Y);

[Deror.Concurrency.Immutable]
public sealed record Snapshot(string Name, IReadOnlyList<Point> Points);

[Deror.Concurrency.Immutable]
public readonly record struct Span(int From, int To);

public sealed record Order(string Id, List<Point> Points, Dictionary<string, int> Counts, Point? Origin, DateTime At, ITestGrain? Owner);

public abstract record Shape(string Name);

public sealed record Circle(string Name, double Radius) : Shape(Name);

public class Animal
{
    public string? Name { get; set; }
}

public sealed class Dog : Animal
{
    public int Barks { get; set; }
}

public sealed class CustomException(string message) : Exception(message);

public sealed class NoMessageConstructorException : Exception
{
    public NoMessageConstructorException() : base("fixed")
    {
    }
}

public class BinaryCodecTests
{
    private readonly BinaryCodec _codec = new(FakeGrainResolver.Instance);

    private T RoundTrip<T>(T value)
    {
        using var writer = new CodecWriter();
        _codec.Write(writer, value);
        var reader = new CodecReader(writer.WrittenSpan);
        var result = _codec.Read<T>(ref reader);
        Assert.True(reader.End, $"{reader.Remaining} byte(s) left unread");
        return result;
    }

    private byte[] Encode<T>(T value)
    {
        using var writer = new CodecWriter();
        _codec.Write(writer, value);
        return writer.ToArray();
    }

    private SerializationException DecodeFails<T>(byte[] bytes)
        => Assert.Throws<SerializationException>(() =>
        {
            var reader = new CodecReader(bytes);
            _codec.Read<T>(ref reader);
        });

    [Fact]
    public void Primitives_RoundTrip()
    {
        Assert.True(RoundTrip(true));
        Assert.False(RoundTrip(false));
        Assert.Equal(byte.MaxValue, RoundTrip(byte.MaxValue));
        Assert.Equal(sbyte.MinValue, RoundTrip(sbyte.MinValue));
        Assert.Equal(short.MinValue, RoundTrip(short.MinValue));
        Assert.Equal(ushort.MaxValue, RoundTrip(ushort.MaxValue));
        Assert.Equal(int.MinValue, RoundTrip(int.MinValue));
        Assert.Equal(-1, RoundTrip(-1));
        Assert.Equal(uint.MaxValue, RoundTrip(uint.MaxValue));
        Assert.Equal(long.MinValue, RoundTrip(long.MinValue));
        Assert.Equal(ulong.MaxValue, RoundTrip(ulong.MaxValue));
        Assert.Equal(3.25f, RoundTrip(3.25f));
        Assert.True(float.IsNaN(RoundTrip(float.NaN)));
        Assert.Equal(double.NegativeInfinity, RoundTrip(double.NegativeInfinity));
        Assert.Equal(Math.PI, RoundTrip(Math.PI));
        Assert.Equal(-79228162514264337593543950335m, RoundTrip(decimal.MinValue));
        Assert.Equal(1.000100m, RoundTrip(1.000100m));
        Assert.Equal("1.000100", RoundTrip(1.000100m).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal('\uFFFF', RoundTrip('\uFFFF'));
        Assert.Equal("héllo ✓", RoundTrip("héllo ✓"));
        Assert.Equal(string.Empty, RoundTrip(string.Empty));
        Assert.Equal(new string('x', 10_000), RoundTrip(new string('x', 10_000)));
        var guid = Guid.NewGuid();
        Assert.Equal(guid, RoundTrip(guid));
        Assert.Equal(TimeSpan.FromTicks(-123456789), RoundTrip(TimeSpan.FromTicks(-123456789)));
        Assert.Equal(new byte[] { 1, 2, 3 }, RoundTrip(new byte[] { 1, 2, 3 }));
        Assert.Empty(RoundTrip(Array.Empty<byte>()));
        var grainId = GrainId.Create(new GrainType("player"), "a/b");
        Assert.Equal(grainId, RoundTrip(grainId));
    }

    [Fact]
    public void Dates_KeepKindAndOffset()
    {
        var utc = new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc).AddTicks(7);
        var unspecified = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        Assert.Equal(DateTimeKind.Utc, RoundTrip(utc).Kind);
        Assert.Equal(utc, RoundTrip(utc));
        Assert.Equal(DateTimeKind.Unspecified, RoundTrip(unspecified).Kind);
        var offset = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(-5.5));
        var read = RoundTrip(offset);
        Assert.Equal(offset, read);
        Assert.Equal(offset.Offset, read.Offset);
        Assert.Equal(DateTimeOffset.MaxValue, RoundTrip(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void EnumsAndNullables_RoundTrip()
    {
        Assert.Equal(Color.Green, RoundTrip(Color.Green));
        Assert.Equal(BigFlags.High, RoundTrip(BigFlags.High));
        Assert.Equal(Negative.Minus, RoundTrip(Negative.Minus));
        Assert.Equal((Color)77, RoundTrip((Color)77));
        Assert.Equal(5, RoundTrip<int?>(5));
        Assert.Null(RoundTrip<int?>(null));
        Assert.Equal(Color.Red, RoundTrip<Color?>(Color.Red));
        Assert.Null(RoundTrip<Guid?>(null));
        Assert.Equal(DateTime.MaxValue, RoundTrip<DateTime?>(DateTime.MaxValue));
        Assert.Equal(new KeyValuePair<int, string>(1, "a"), RoundTrip<KeyValuePair<int, string>?>(new KeyValuePair<int, string>(1, "a")));
    }

    [Fact]
    public void FastPathValues_AreCompact()
    {
        Assert.Single(Encode(5));
        Assert.Single(Encode(true));
        Assert.Single(Encode(Color.Green));
        Assert.Equal(16, Encode(Guid.NewGuid()).Length);
    }

    [Fact]
    public void Nulls_RoundTrip()
    {
        Assert.Null(RoundTrip<string?>(null));
        Assert.Null(RoundTrip<byte[]?>(null));
        Assert.Null(RoundTrip<Point?>(null));
        Assert.Null(RoundTrip<List<int>?>(null));
        Assert.Null(RoundTrip<object?>(null));
        Assert.Null(RoundTrip<ITestGrain?>(null));
        Assert.Null(RoundTrip<Exception?>(null));
    }

    [Fact]
    public void RecordsListsAndDictionaries_RoundTrip()
    {
        var owner = FakeGrainResolver.Instance.GetGrain(typeof(ITestGrain), GrainId.Create(new GrainType("test"), "owner"));
        var order = new Order(
            "o-1",
            [new Point(1, 2), new Point(-3, 4)],
            new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 },
            null,
            new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            (ITestGrain)owner);
        var read = RoundTrip(order);
        Assert.Equal(order.Id, read.Id);
        Assert.Equal(order.Points, read.Points);
        Assert.Equal(order.Counts, read.Counts);
        Assert.Null(read.Origin);
        Assert.Equal(order.At, read.At);
        Assert.Equal(owner.GetGrainId(), read.Owner!.GetGrainId());

        Assert.Equal(new[] { new Point(1, 1) }, RoundTrip(new[] { new Point(1, 1) }));
        Assert.Equal(new List<string?> { "a", null }, RoundTrip(new List<string?> { "a", null }));
        Assert.Equal(new Dictionary<int, Point> { [1] = new(1, 2) }, RoundTrip(new Dictionary<int, Point> { [1] = new(1, 2) }));
        Assert.Equal(new[] { 1, 2, 3 }, RoundTrip<IReadOnlyList<int>>(new[] { 1, 2, 3 }));
        Assert.Equal(new Point(7, 8), RoundTrip((Point?)new Point(7, 8)));
    }

    [Fact]
    public void GrainReferences_RoundTripThroughTheResolver()
    {
        var id = GrainId.Create(new GrainType("test"), "k1");
        var reference = (ITestGrain)FakeGrainResolver.Instance.GetGrain(typeof(ITestGrain), id);

        var asInterface = RoundTrip(reference);
        Assert.IsType<TestGrainReference>(asInterface);
        Assert.Equal(id, asInterface.GetGrainId());
        Assert.Equal(id, RoundTrip((GrainReference)reference).GrainId);
        Assert.Equal(id, ((ITestGrain)RoundTrip<object>(reference)).GetGrainId());
        Assert.Equal(id, RoundTrip<IAddressable>(reference).GetGrainId());
        Assert.Same(reference, _codec.DeepCopy(reference));
    }

    [Fact]
    public void Polymorphic_ValuesKeepTheirRuntimeType()
    {
        Assert.Equal(42, RoundTrip<object>(42));
        Assert.Equal("s", RoundTrip<object>("s"));
        Assert.Equal(Color.Green, RoundTrip<object>(Color.Green));
        Assert.Equal(new Point(1, 2), RoundTrip<object>(new Point(1, 2)));
        Assert.Equal(new List<Point> { new(3, 4) }, Assert.IsType<List<Point>>(RoundTrip<object>(new List<Point> { new(3, 4) })));
        var circle = Assert.IsType<Circle>(RoundTrip<Shape>(new Circle("c", 2.5)));
        Assert.Equal(2.5, circle.Radius);
        var dog = Assert.IsType<Dog>(RoundTrip<Animal>(new Dog { Name = "rex", Barks = 3 }));
        Assert.Equal(3, dog.Barks);
        Assert.Equal("rex", dog.Name);
        var objects = RoundTrip<object>(new Dictionary<string, Point[]> { ["p"] = [new(5, 6)] });
        Assert.Equal(new Point(5, 6), Assert.IsType<Dictionary<string, Point[]>>(objects)["p"][0]);
    }

    [Fact]
    public void Polymorphic_UnsendableRuntimeType_FailsOnWrite()
    {
        var error = Assert.Throws<SerializationException>(() => Encode<object>(new Action(() => { })));
        Assert.Contains("System.Action", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.Action")]
    [InlineData("System.Diagnostics.Process")]
    [InlineData("System.IO.FileInfo")]
    [InlineData("System.Collections.Generic.List`1[[System.IO.FileInfo, System.Private.CoreLib]]")]
    [InlineData("Deror.Runtime.Tests.Serialization.Shape")]
    [InlineData("No.Such.Type")]
    [InlineData("")]
    public void Polymorphic_RejectsTypeNamesThatAreNotAllowed(string typeName)
    {
        using var writer = new CodecWriter();
        writer.WriteByte(2);
        writer.WriteString(typeName);
        writer.WriteInt32(2);
        writer.WriteBytes("{}"u8);
        DecodeFails<object>(writer.ToArray());
    }

    [Fact]
    public void Polymorphic_RejectsANamedTypeThatIsNotAssignable()
    {
        var bytes = Encode<object>(new Point(1, 2));
        DecodeFails<Shape>(bytes);
    }

    [Fact]
    public void Exceptions_OfKnownTypes_AreRecreated()
    {
        var original = Throw(() => throw new InvalidOperationException("boom"));
        using var writer = new CodecWriter();
        _codec.WriteException(writer, original);
        var reader = new CodecReader(writer.WrittenSpan);
        var read = _codec.ReadException(ref reader);
        Assert.IsType<InvalidOperationException>(read);
        Assert.Equal("boom", read.Message);
        Assert.Contains(nameof(Throw), read.StackTrace, StringComparison.Ordinal);

        Assert.Equal("custom", Assert.IsType<CustomException>(RoundTrip<Exception>(new CustomException("custom"))).Message);
        Assert.Equal("bad arg", Assert.IsType<ArgumentNullException>(RoundTrip<Exception>(new ArgumentNullException(null, "bad arg"))).Message);
        Assert.Equal("custom", RoundTrip(new CustomException("custom")).Message);
        Assert.Equal("as object", Assert.IsType<CustomException>(RoundTrip<object>(new CustomException("as object"))).Message);
    }

    [Fact]
    public void Exceptions_OfUnknownTypes_BecomeRemoteGrainExceptions()
    {
        using var writer = new CodecWriter();
        writer.WriteString("Some.Remote.OnlyException");
        writer.WriteString("far away");
        writer.WriteString("   at Somewhere()");
        var reader = new CodecReader(writer.WrittenSpan);
        var remote = Assert.IsType<RemoteGrainException>(_codec.ReadException(ref reader));
        Assert.Equal("Some.Remote.OnlyException", remote.OriginalTypeName);
        Assert.Equal("far away", remote.Message);
        Assert.Equal("   at Somewhere()", remote.RemoteStackTrace);

        // Passed along again, it still names the original type.
        Assert.Equal("Some.Remote.OnlyException", Assert.IsType<RemoteGrainException>(RoundTrip<Exception>(remote)).OriginalTypeName);

        var noCtor = Assert.IsType<RemoteGrainException>(RoundTrip<Exception>(new NoMessageConstructorException()));
        Assert.Equal(typeof(NoMessageConstructorException).FullName, noCtor.OriginalTypeName);
        Assert.Equal("fixed", noCtor.Message);
    }

    [Fact]
    public void TruncatedInput_ThrowsSerializationException()
    {
        var order = new Order("o", [new Point(1, 2)], [], new Point(0, 0), DateTime.UnixEpoch, null);
        AssertEveryPrefixFails(Encode(order), DecodeFails<Order>);
        AssertEveryPrefixFails(Encode("hello"), DecodeFails<string>);
        AssertEveryPrefixFails(Encode(Guid.NewGuid()), DecodeFails<Guid>);
        AssertEveryPrefixFails(Encode(12.5m), DecodeFails<decimal>);
        AssertEveryPrefixFails(Encode<object>(new Point(1, 2)), DecodeFails<object>);
        AssertEveryPrefixFails(Encode<long>(long.MaxValue), DecodeFails<long>);
    }

    [Fact]
    public void GarbageInput_ThrowsSerializationException()
    {
        DecodeFails<bool>([7]);
        DecodeFails<int>([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        DecodeFails<int>(Encode(long.MaxValue));
        DecodeFails<short>(Encode(100_000));
        DecodeFails<Point>([1, 3, 0, 0, 0, (byte)'{', (byte)'x', (byte)'}']);
        DecodeFails<Point>([9]);
        DecodeFails<object>([1, 0xFF, 0xFF, 0xFF, 0x7F]);
        DecodeFails<int?>([2]);
        DecodeFails<DateTime>([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]);
        DecodeFails<ITestGrain>([1, 1, 2, (byte)'k']);
        DecodeFails<GrainId>([2, (byte)' ', 2, (byte)'k']);

        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            AssertFailsCleanly<Order>(bytes);
            AssertFailsCleanly<object>(bytes);
            AssertFailsCleanly<Exception>(bytes);
        }
    }

    [Fact]
    public void DeepCopy_SharesImmutablesAndCopiesTheRest()
    {
        var text = new string('a', 3);
        Assert.Same(text, _codec.DeepCopy(text));
        Assert.Same(text, _codec.DeepCopy<object>(text));
        Assert.Null(_codec.DeepCopy<Point?>(null));
        Assert.Equal(5, _codec.DeepCopy(5));
        var exception = new InvalidOperationException("x");
        Assert.Same(exception, _codec.DeepCopy(exception));

        var list = new List<Point> { new(1, 2) };
        var copy = _codec.DeepCopy(list);
        Assert.NotSame(list, copy);
        Assert.Equal(list, copy);
        var bytes = new byte[] { 1 };
        Assert.NotSame(bytes, _codec.DeepCopy(bytes));
        var dog = new Dog { Name = "a", Barks = 1 };
        var dogCopy = Assert.IsType<Dog>(_codec.DeepCopy<Animal>(dog));
        Assert.NotSame(dog, dogCopy);
        Assert.Equal(1, dogCopy.Barks);
    }

    [Fact]
    public void DeepCopy_SharesValuesOfTypesDeclaredImmutable_AndStillEncodesThem()
    {
        var snapshot = new Snapshot("s", [new Point(1, 2)]);
        Assert.Same(snapshot, _codec.DeepCopy(snapshot));
        Assert.Equal(new Span(1, 2), _codec.DeepCopy(new Span(1, 2)));
        var sent = RoundTrip(snapshot);
        Assert.NotSame(snapshot, sent);
        Assert.Equal(snapshot.Points, sent.Points);
        // Only the declared type is trusted: a list of such values is still copied.
        var list = new List<Snapshot> { snapshot };
        Assert.NotSame(list, _codec.DeepCopy(list));
    }

    private static Exception Throw(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }
        throw new InvalidOperationException("did not throw");
    }

    private static void AssertEveryPrefixFails(byte[] bytes, Func<byte[], SerializationException> decode)
    {
        for (var length = 0; length < bytes.Length; length++)
        {
            decode(bytes[..length]);
        }
    }

    private void AssertFailsCleanly<T>(byte[] bytes)
    {
        // Random bytes may happen to decode; what must never happen is another exception type.
        try
        {
            var reader = new CodecReader(bytes);
            _codec.Read<T>(ref reader);
        }
        catch (SerializationException)
        {
        }
    }
}
