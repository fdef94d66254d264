using System.Reflection;
using Deror.CodeGenerator.Tests.Infrastructure;
using Deror.Invocation;
using Deror.Serialization;
using Xunit;

namespace Deror.CodeGenerator.Tests;

/// <summary>Runs the generated code: proxies through a recording runtime, requests against a sample grain.</summary>
public sealed class GeneratedBehaviourTests
{
    private const string Calculator = "Sample.Grains.ICalculatorGrain";
    private const string CalculatorGrain = "Sample.Grains.CalculatorGrain";

    [Fact]
    public void Loaded_assembly_is_marked_and_registers_its_grain_classes()
    {
        Assert.True(SampleAssembly.Assembly.IsDefined(typeof(DerorGeneratedCodeAttribute)));
        GeneratedCodeRegistry.EnsureLoaded(SampleAssembly.Assembly);

        Assert.Contains(SampleAssembly.Type(CalculatorGrain), GeneratedCodeRegistry.GetGrainClasses());
        Assert.Contains(SampleAssembly.Type("Sample.Grains.InternalGrain"), GeneratedCodeRegistry.GetGrainClasses());
        Assert.DoesNotContain(SampleAssembly.Type("Sample.Grains.GrainBase"), GeneratedCodeRegistry.GetGrainClasses());
    }

    [Fact]
    public async Task Proxy_call_sends_a_request_whose_arguments_round_trip_and_invoke_the_grain()
    {
        var runtime = new RecordingRuntime { Result = 99 };
        var proxy = SampleAssembly.CreateProxy(Calculator, runtime);
        Assert.Equal(SampleAssembly.Type(Calculator), proxy.InterfaceType);

        var values = new List<int> { 1, 2, 3 };
        var returned = await (Task<int>)SampleAssembly.Call(proxy, Calculator, "Sum", 5, "label", values)!;

        Assert.Equal(99, returned);
        var request = Assert.Single(runtime.Requests);
        var descriptor = request.Descriptor;
        Assert.Equal(SampleAssembly.Type(Calculator), descriptor.InterfaceType);
        Assert.Equal("Sum", descriptor.MethodName);
        Assert.Equal(InvokeMethodFlags.None, descriptor.Flags);
        Assert.Null(descriptor.ResponseTimeout);
        Assert.Equal(StableHash.Compute("Sample.Grains.ICalculatorGrain.Sum(System.Int32,System.String,System.Collections.Generic.List<System.Int32>)"), descriptor.MethodId);

        // The runtime side: a fresh request from the registry, filled from the bytes the caller wrote.
        var received = RoundTripArguments(request);
        Assert.Equal(descriptor.MethodId, received.Descriptor.MethodId);
        var grain = SampleAssembly.CreateGrain(CalculatorGrain);
        Assert.Equal(5 + "label".Length + 6, await received.InvokeAsync(grain));
    }

    [Fact]
    public async Task Copied_arguments_share_no_mutable_objects_with_the_caller()
    {
        var runtime = new RecordingRuntime { Result = 0 };
        var values = new List<int> { 10 };
        await (Task<int>)SampleAssembly.Call(SampleAssembly.CreateProxy(Calculator, runtime), Calculator, "Sum", 0, "", values)!;
        var request = Assert.Single(runtime.Requests);

        request.CopyArguments(new TestCodec());
        values.Add(1000);

        Assert.Equal(10, await request.InvokeAsync(SampleAssembly.CreateGrain(CalculatorGrain)));
    }

    [Fact]
    public async Task Results_round_trip_through_the_codec()
    {
        var runtime = new RecordingRuntime { Result = 0 };
        await (Task<int>)SampleAssembly.Call(SampleAssembly.CreateProxy(Calculator, runtime), Calculator, "Add", 2, 3)!;
        var request = Assert.Single(runtime.Requests);
        var codec = new TestCodec();

        using var writer = new CodecWriter();
        request.WriteResult(codec, writer, 42);

        Assert.Equal(42, ReadResult(request, codec, writer.ToArray()));
        Assert.Equal(5, await request.InvokeAsync(SampleAssembly.CreateGrain(CalculatorGrain)));
    }

    [Fact]
    public async Task Grain_method_that_completes_later_is_awaited()
    {
        var runtime = new RecordingRuntime { Result = "unused" };
        await (Task<string>)SampleAssembly.Call(SampleAssembly.CreateProxy(Calculator, runtime), Calculator, "SlowEcho", "hi")!;
        var request = Assert.Single(runtime.Requests);

        var pending = request.InvokeAsync(SampleAssembly.CreateGrain(CalculatorGrain));

        Assert.False(pending.IsCompleted);
        Assert.Equal("hi!", await pending);
    }

    [Fact]
    public async Task Overloads_get_distinct_requests_and_ids()
    {
        var runtime = new RecordingRuntime { Result = 0 };
        var proxy = SampleAssembly.CreateProxy(Calculator, runtime);
        await (Task<int>)SampleAssembly.Call(proxy, Calculator, "Add", 1, 2)!;
        await (Task<int>)SampleAssembly.Call(proxy, Calculator, "Add", 1, 2, 3)!;

        Assert.Equal(2, runtime.Requests.Select(r => r.Descriptor.MethodId).Distinct().Count());
        Assert.Equal(6, await runtime.Requests[1].InvokeAsync(SampleAssembly.CreateGrain(CalculatorGrain)));
    }

    [Fact]
    public void Attributes_become_descriptor_flags_and_timeout()
    {
        var runtime = new RecordingRuntime();
        var proxy = SampleAssembly.CreateProxy(Calculator, runtime);

        // The proxy hands the request to the runtime synchronously; the returned tasks do not matter here.
        SampleAssembly.Call(proxy, Calculator, "Query", "f", new Dictionary<string, int>());
        SampleAssembly.Call(proxy, Calculator, "Reset");

        var query = runtime.Requests[0].Descriptor;
        Assert.Equal(("Query", InvokeMethodFlags.ReadOnly, (TimeSpan?)TimeSpan.FromSeconds(5)), (query.MethodName, query.Flags, query.ResponseTimeout));
        var reset = runtime.Requests[1].Descriptor;
        Assert.Equal(("Reset", InvokeMethodFlags.ReadOnly | InvokeMethodFlags.AlwaysInterleave, (TimeSpan?)null), (reset.MethodName, reset.Flags, reset.ResponseTimeout));
    }

    [Fact]
    public void One_way_method_is_sent_without_waiting_for_a_response()
    {
        var runtime = new RecordingRuntime();
        var task = (Task)SampleAssembly.Call(SampleAssembly.CreateProxy(Calculator, runtime), Calculator, "Notify", "x", 3)!;

        Assert.True(task.IsCompletedSuccessfully);
        Assert.Empty(runtime.Requests);
        var request = Assert.Single(runtime.OneWayRequests);
        Assert.Equal(InvokeMethodFlags.OneWay, request.Descriptor.Flags);
    }

    [Fact]
    public async Task Inherited_method_uses_the_declaring_interface_and_its_method_id()
    {
        var runtime = new RecordingRuntime { Result = "ok" };
        var proxy = SampleAssembly.CreateProxy(Calculator, runtime);

        await (Task<string>)SampleAssembly.Call(proxy, "Sample.Grains.IGreeterBase", "Greet", "Ann")!;
        await (Task<string>)SampleAssembly.Call(proxy, "Sample.Grains.IPolite", "Greet", "Ann")!;

        var greeterBase = runtime.Requests[0].Descriptor;
        Assert.Equal(SampleAssembly.Type("Sample.Grains.IGreeterBase"), greeterBase.InterfaceType);
        Assert.Equal(StableHash.Compute("Sample.Grains.IGreeterBase.Greet(System.String)"), greeterBase.MethodId);
        // Same request class as IGreeterBase's own proxy uses, so the same id.
        var ownRequest = new RecordingRuntime { Result = "ok" };
        await (Task<string>)SampleAssembly.Call(SampleAssembly.CreateProxy("Sample.Grains.IGreeterBase", ownRequest), "Sample.Grains.IGreeterBase", "Greet", "Ann")!;
        Assert.Equal(greeterBase.MethodId, Assert.Single(ownRequest.Requests).Descriptor.MethodId);

        var polite = runtime.Requests[1].Descriptor;
        Assert.Equal(SampleAssembly.Type("Sample.Grains.IPolite"), polite.InterfaceType);
        Assert.NotEqual(greeterBase.MethodId, polite.MethodId);
        Assert.Equal("Hello, Ann", await runtime.Requests[1].InvokeAsync(SampleAssembly.CreateGrain(CalculatorGrain)));
    }

    [Fact]
    public async Task Method_inherited_from_a_referenced_assembly_has_the_id_that_assembly_generated()
    {
        var runtime = new RecordingRuntime();
        await ((IRemindable)SampleAssembly.CreateProxy(Calculator, runtime)).ReceiveReminder("r", default);
        var inherited = Assert.Single(runtime.Requests);

        // Deror.Abstractions was built with the generator: its own IRemindable proxy makes its own request class.
        Assert.True(GeneratedCodeRegistry.TryGetProxyFactory(typeof(IRemindable), out var factory));
        var ownRuntime = new RecordingRuntime();
        await ((IRemindable)factory(ownRuntime, GrainId.Create(new GrainType("r"), "1"))).ReceiveReminder("r", default);
        var own = Assert.Single(ownRuntime.Requests);

        Assert.Equal(typeof(IRemindable).Assembly, own.GetType().Assembly);
        Assert.Equal(SampleAssembly.Assembly, inherited.GetType().Assembly);
        Assert.Equal(typeof(IRemindable), inherited.Descriptor.InterfaceType);
        Assert.Equal(own.Descriptor.MethodId, inherited.Descriptor.MethodId);
        Assert.Equal(StableHash.Compute("Deror.IRemindable.ReceiveReminder(System.String,Deror.TickStatus)"), own.Descriptor.MethodId);
    }

    [Fact]
    public void Method_id_is_the_same_in_another_compilation()
    {
        var other = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("Another", Samples.GreeterBaseAlone));
        const string requestClass = "Sample_Grains_IGreeterBase_Greet_Request";

        Assert.Equal(
            SampleAssembly.Output.MethodIdOf($"DerorGenerated.Sample.Behaviour.{requestClass}"),
            other.MethodIdOf($"DerorGenerated.Another.{requestClass}"));
    }

    private static Request RoundTripArguments(Request sent)
    {
        var codec = new TestCodec();
        using var writer = new CodecWriter();
        sent.WriteArguments(codec, writer);

        var received = GeneratedCodeRegistry.TryCreateRequest(sent.Descriptor.MethodId);
        Assert.NotNull(received);
        var reader = new CodecReader(writer.WrittenSpan);
        received.ReadArguments(codec, ref reader);
        Assert.True(reader.End, "ReadArguments left bytes unread.");
        return received;
    }

    private static object? ReadResult(Request request, ICodec codec, byte[] bytes)
    {
        var reader = new CodecReader(bytes);
        return request.ReadResult(codec, ref reader);
    }
}
