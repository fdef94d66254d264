namespace Deror.CodeGenerator.Tests.Infrastructure;

/// <summary>Sample grain code the tests compile. Kept warning-free, so any warning comes from generated code.</summary>
internal static class Samples
{
    /// <summary>
    /// Interfaces exercising what the generator must handle: inheritance (same-named methods in two bases, a
    /// base from Deror.Abstractions, a non-grain base), overloads, partial declarations, every flag, keyword parameter names, generic
    /// and nullable types in signatures, nested/internal/global-namespace interfaces and duplicate simple names.
    /// </summary>
    public const string RichGrains = """
        #pragma warning disable CS1591 // the sample's own public types need no XML docs
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Deror;
        using Deror.Concurrency;

        namespace Sample.Grains
        {
            public sealed record Dto(string Name, int Value);

            public interface IGreeterBase : IGrainWithStringKey
            {
                Task<string> Greet(string name);
            }

            public interface IPolite : IGrainWithStringKey
            {
                Task<string> Greet(string name);
            }

            public interface IPlainBase
            {
                Task<int> Ping();
            }

            public interface ICalculatorGrain : IGreeterBase, IPolite, IRemindable, IPlainBase
            {
                Task<int> Sum(int seed, string label, List<int> values);

                Task<int> Add(int left, int right);

                Task<int> Add(int left, int right, int third);

                [ReadOnly, ResponseTimeout("00:00:05")]
                ValueTask<List<Dto>> Query(string filter, Dictionary<string, int> weights);

                [OneWay]
                Task Notify(string @class, int? count = null);

                [AlwaysInterleave, ReadOnly]
                ValueTask Reset();

                Task<string?> Describe(string? prefix, params int[] values);

                Task<string> SlowEcho(string text);

                Task<(int Total, string Text)> Pair(int a, string b);
            }

            public partial interface IPartialGrain : IGrainWithStringKey
            {
                Task First();
            }

            public partial interface IPartialGrain
            {
                Task Second();
            }

            internal interface IInternalGrain : IGrainWithGuidKey
            {
                Task<Dto?> Find(Guid id);
            }

            public static class Outer
            {
                public interface INestedGrain : IGrainWithIntegerKey
                {
                    Task Run();

                    ValueTask<long> Count();
                }
            }

            public abstract class GrainBase : Grain
            {
                protected GrainBase(IGrainContext context)
                    : base(context)
                {
                }
            }

            public sealed class CalculatorGrain : GrainBase, ICalculatorGrain
            {
                public CalculatorGrain(IGrainContext context)
                    : base(context)
                {
                }

                public Task<string> Greet(string name) => Task.FromResult("Hello, " + name);

                public Task<int> Ping() => Task.FromResult(1);

                public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

                public Task<int> Sum(int seed, string label, List<int> values) => Task.FromResult(seed + label.Length + values.Sum());

                public Task<int> Add(int left, int right) => Task.FromResult(left + right);

                public Task<int> Add(int left, int right, int third) => Task.FromResult(left + right + third);

                public ValueTask<List<Dto>> Query(string filter, Dictionary<string, int> weights)
                    => new(weights.Select(w => new Dto(filter + w.Key, w.Value)).ToList());

                public Task Notify(string @class, int? count = null) => Task.CompletedTask;

                public ValueTask Reset() => default;

                public Task<string?> Describe(string? prefix, params int[] values) => Task.FromResult<string?>(prefix + values.Length);

                public async Task<string> SlowEcho(string text)
                {
                    await Task.Delay(20);
                    return text + "!";
                }

                public Task<(int Total, string Text)> Pair(int a, string b) => Task.FromResult((a, b));
            }

            internal sealed class InternalGrain : Grain, IInternalGrain
            {
                public InternalGrain(IGrainContext context)
                    : base(context)
                {
                }

                public Task<Dto?> Find(Guid id) => Task.FromResult<Dto?>(null);
            }
        }

        namespace Other.Grains
        {
            public interface ICalculatorGrain : IGrainWithStringKey
            {
                Task<int> Add(int left, int right);
            }
        }

        public interface IGlobalGrain : IGrain
        {
            Task<int> Get();
        }
        """;

    /// <summary>Only IGreeterBase, declared in a different assembly and file layout, to compare method ids across compilations.</summary>
    public const string GreeterBaseAlone = """
        namespace Sample.Grains
        {
            /// <summary>Same interface as in the rich sample.</summary>
            public interface IGreeterBase : global::Deror.IGrainWithStringKey
            {
                /// <summary>Greets.</summary>
                global::System.Threading.Tasks.Task<string> Greet(string name);
            }
        }
        """;
}
