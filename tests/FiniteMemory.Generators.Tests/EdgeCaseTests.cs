using FiniteMemory.Generators.Tests.Support;
using FiniteMemory.Policies;
using Microsoft.CodeAnalysis;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// Declarations at the edges of what C# allows. Whatever the input, the generator must either write code that
/// compiles cleanly or report an error — never crash, and never leave a compiler error in generated code.
/// </summary>
public class EdgeCaseTests
{
    [Test]
    public async Task ConstantsOfEveryKindReachTheStageImplementationWithTheirValues()
    {
        var run = GeneratorRun.Run("""
            using System;
            using System.Globalization;
            using FiniteMemory;
            using FiniteMemory.Stages;
            using FiniteMemory.Policies;

            namespace Sample.Constants;

            public enum Mode
            {
                A,
                B = 5,
            }

            [StageImplementation(typeof(ConstantStage), nameof(ConstantStage.Run))]
            public sealed class ConstantsAttribute : PolicyStageAttribute
            {
                public Mode Mode { get; set; }

                public float Scale { get; set; }

                public long Big { get; set; }

                public char Letter { get; set; }

                public Type? Kind { get; set; }

                public string? Text { get; set; }

                public byte Tiny { get; set; }

                public short Small { get; set; }

                public double Ratio { get; set; }

                public string? Missing { get; set; }
            }

            public static class ConstantStage
            {
                public static string Received { get; private set; } = "";

                public static void Run(MemoryFrame frame, Mode mode, float scale, long big, char letter, Type? kind, string? text, byte tiny, short small, double ratio, string? missing = "default") =>
                    Received = string.Join("|", mode, scale.ToString(CultureInfo.InvariantCulture), big, letter, kind?.Name, text, tiny, small, ratio.ToString(CultureInfo.InvariantCulture), missing ?? "null");
            }

            [MemoryPolicy("edge-constants")]
            [Constants(Mode = Mode.B, Scale = 2.5f, Big = 10_000_000_000L, Letter = '\'', Kind = typeof(string), Text = "a \"quote\"\nand a line", Tiny = 7, Small = -3, Ratio = double.PositiveInfinity, Missing = null)]
            public partial class ConstantsPolicy
            {
            }
            """);

        await Assert.That(run.Problems()).IsEmpty();
        var registry = run.LoadRegistry();
        await Conversations.PrepareAsync(registry.CreatePolicy("edge-constants"), 100, ("u1", "user", "hello"));
        await Assert.That(registry.GetStatic("Sample.Constants.ConstantStage", "Received"))
            .IsEqualTo("B|2.5|10000000000|'|String|a \"quote\"\nand a line|7|-3|Infinity|null");
    }

    [Test]
    public async Task KeywordNamedStageMethodsServicesAndParametersAreEscaped()
    {
        var run = GeneratorRun.Run("""
            using System.Collections.Generic;
            using FiniteMemory;
            using FiniteMemory.Stages;
            using FiniteMemory.Policies;

            namespace Sample.Keywords;

            public sealed class Log
            {
                public List<string> Lines { get; } = new();
            }

            [StageImplementation(typeof(LogStage), nameof(LogStage.Run))]
            public sealed class LoggedAttribute : PolicyStageAttribute
            {
                public string Default { get; set; } = "";
            }

            public static class LogStage
            {
                public static void Run(MemoryFrame frame, Log @checked, string @default) => @checked.Lines.Add("stage " + @default);
            }

            [MemoryPolicy("edge-keywords")]
            [Logged(Default = "attribute")]
            public partial class KeywordPolicy
            {
                public static readonly Log @checked = new();

                [Stage]
                private static void @event(MemoryFrame frame) => @checked.Lines.Add("method");
            }
            """);

        await Assert.That(run.Problems()).IsEmpty();
        var registry = run.LoadRegistry();
        await Conversations.PrepareAsync(registry.CreatePolicy("edge-keywords"), 100, ("u1", "user", "hello"));
        var log = registry.GetStatic("Sample.Keywords.KeywordPolicy", "checked")!;
        await Assert.That((List<string>)GeneratedRegistry.Properties(log)["Lines"]!).IsEquivalentTo(["stage attribute", "method"], CollectionOrdering.Matching);
    }

    [Test]
    public async Task AServiceCanComeFromAnAccessibleMemberOfABaseClassAndAnImplementationFromAnInternalNestedClass()
    {
        var run = GeneratorRun.Run("""
            using FiniteMemory;
            using FiniteMemory.Stages;
            using FiniteMemory.Policies;

            namespace Sample.Inheritance;

            public sealed class Counter
            {
                public int Calls { get; set; }
            }

            public abstract class PolicyBase
            {
                public static Counter Shared { get; } = new();

                protected Counter Counter => Shared;
            }

            [StageImplementation(typeof(Holder.CountStage), "Run")]
            public sealed class CountedAttribute : PolicyStageAttribute
            {
            }

            public static class Holder
            {
                internal static class CountStage
                {
                    public static void Run(MemoryFrame frame, Counter counter) => counter.Calls++;
                }
            }

            [MemoryPolicy("edge-inheritance")]
            [Counted]
            public partial class DerivedPolicy : PolicyBase
            {
            }
            """);

        await Assert.That(run.Problems()).IsEmpty();
        await Assert.That(run.Source("Sample.Inheritance.DerivedPolicy.MemoryPolicy.g.cs")).Contains("global::Sample.Inheritance.Holder.CountStage.Run(frame, counter: this.Counter);");
        var registry = run.LoadRegistry();
        await Conversations.PrepareAsync(registry.CreatePolicy("edge-inheritance"), 100, ("u1", "user", "hello"));
        var counter = registry.GetStatic("Sample.Inheritance.PolicyBase", "Shared")!;
        await Assert.That(GeneratedRegistry.Properties(counter)["Calls"]).IsEqualTo(1);
    }

    [Test]
    public async Task APolicySplitAcrossFilesGetsItsStagesFromEveryPart()
    {
        var run = GeneratorRun.Run(TestCompilation.Create(
            TestCompilation.AssemblyNameFor(nameof(APolicySplitAcrossFilesGetsItsStagesFromEveryPart)),
            [
                ("PartOne.cs", """
                    using FiniteMemory.Policies;

                    namespace Sample.Split;

                    [MemoryPolicy("edge-split")]
                    [KeepRecent(MaxTurns = 1)]
                    public partial class SplitPolicy
                    {
                    }
                    """),
                ("PartTwo.cs", """
                    using FiniteMemory;
                    using FiniteMemory.Stages;
                    using FiniteMemory.Policies;

                    namespace Sample.Split;

                    [Select]
                    public partial class SplitPolicy
                    {
                        [Stage(Before = "Select")]
                        private static void Score(MemoryFrame frame) => frame.Scores[0] = 1;
                    }
                    """),
            ]));

        await Assert.That(run.Problems()).IsEmpty();
        await Assert.That(run.HintNames).Contains("Sample.Split.SplitPolicy.MemoryPolicy.g.cs");

        var window = await Conversations.PrepareAsync(
            run.LoadRegistry().CreatePolicy("edge-split"),
            1000,
            ("u1", "user", "q1"),
            ("a1", "assistant", "r1"),
            ("u2", "user", "q2"));
        await Assert.That(window.Report.Kept).IsEquivalentTo(["u1", "u2"], CollectionOrdering.Matching);
        await Assert.That(MemoryPolicies.TryGet("edge-split", out var registration)).IsTrue();
        await Assert.That(registration!.Stages).IsEquivalentTo(["KeepRecent(MaxTurns = 1)", "Score()", "Select"], CollectionOrdering.Matching);
    }

    [Test]
    public async Task APolicyTheRegistryCannotSeeIsReportedInsteadOfBreakingTheRegistry()
    {
        var run = GeneratorRun.Run("""
            using FiniteMemory.Policies;

            public partial class Outer
            {
                [MemoryPolicy("edge-private-nested")]
                [KeepRecent]
                private partial class Inner
                {
                }
            }
            """);

        await AssertReportedOrClean(run);
    }

    [Test]
    public async Task RequiredMembersAreReportedInsteadOfBreakingTheRegistry()
    {
        var run = GeneratorRun.Run("""
            using FiniteMemory.Backends;
            using FiniteMemory.Policies;
            using Microsoft.Extensions.AI;

            [MemoryPolicy("edge-required")]
            [KeepRecent]
            public partial class RequiredPolicy
            {
                public required string Label { get; set; }
            }

            public sealed class RequiredSettings
            {
                public required string Model { get; set; }
            }

            public static class RequiredBackends
            {
                [Backend("edge-required-backend")]
                public static IChatClient Create(RequiredSettings settings) => null!;
            }
            """);

        await AssertReportedOrClean(run);
    }

    [Test]
    public async Task SettingsPropertiesWithTheSameOptionKeyAreReportedInsteadOfBreakingTheBinder()
    {
        var run = GeneratorRun.Run("""
            using FiniteMemory.Backends;
            using Microsoft.Extensions.AI;

            public sealed class ClashingSettings
            {
                public int MaxTokens { get; set; }

                public int Max_Tokens { get; set; }
            }

            public static class ClashingBackends
            {
                [Backend("edge-clash")]
                public static IChatClient Create(ClashingSettings settings) => null!;
            }
            """);

        await AssertReportedOrClean(run);
    }

    [Test]
    public async Task KeywordNamedNamespacesAndClassesDoNotCrashTheGenerator()
    {
        var run = GeneratorRun.Run("""
            using FiniteMemory.Policies;

            namespace Sample.@event;

            [MemoryPolicy("edge-keyword-class")]
            [KeepRecent]
            public partial class @class
            {
            }
            """);

        await AssertReportedOrClean(run);
        await Assert.That(run.Problems()).IsEmpty();
    }

    [Test]
    public async Task AFileLocalPolicyClassIsReported()
    {
        var run = GeneratorRun.Run("""
            using FiniteMemory.Policies;

            [MemoryPolicy("edge-file-local")]
            [KeepRecent]
            file partial class FileLocalPolicy
            {
            }
            """);

        await Assert.That(run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)).IsTrue();
    }

    // The invariant every input must meet: no crash, no compiler diagnostic in generated code, and either a clean
    // compilation or an error from the generator saying what is wrong.
    private static async Task AssertReportedOrClean(GeneratorRun run)
    {
        await Assert.That(run.Result.Exception).IsNull();
        await Assert.That(run.GeneratedCodeProblems()).IsEmpty();
        await Assert.That(run.Problems().Count == 0 || run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)).IsTrue();
    }
}
