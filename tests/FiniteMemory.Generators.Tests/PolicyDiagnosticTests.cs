using FiniteMemory.Generators.Tests.Support;
using FiniteMemory.Policies;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// Every policy diagnostic, FM1001–FM1013: id, severity, span (marked <c>{|FM1xxx:...|}</c> in the source) and
/// full message, and nothing reported that the test did not expect. A policy with an error generates nothing;
/// the other policies of the compilation are still generated.
/// </summary>
public class PolicyDiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using FiniteMemory;
        using FiniteMemory.Stages;
        using FiniteMemory.Policies;

        namespace Sample;

        """;

    private const string StageSignature =
        "A stage method takes (MemoryFrame frame) or (MemoryFrame frame, CancellationToken cancellationToken), returns void, ValueTask or Task, and is not generic.";

    // A stage attribute whose implementation needs a service (IClock) from the policy.
    private const string ClockStage = """
        public interface IClock
        {
            string Name { get; }
        }

        public sealed class NamedClock(string name) : IClock
        {
            public string Name => name;
        }

        [StageImplementation(typeof(ClockStage), nameof(ClockStage.Run))]
        public sealed class StampAttribute : PolicyStageAttribute
        {
        }

        public static class ClockStage
        {
            public static string? LastClock { get; private set; }

            public static void Run(MemoryFrame frame, IClock clock) => LastClock = clock.Name;
        }

        """;

    [Test]
    public async Task FM1001_APolicyNameDeclaredTwiceIsReportedOnTheLaterDeclarationIgnoringCase()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            [
                MarkedSource.Parse(Usings + """
                    [MemoryPolicy("dup-name")]
                    [KeepRecent]
                    public partial class First
                    {
                    }
                    """, "A.cs"),
                MarkedSource.Parse(Usings + """
                    [MemoryPolicy({|FM1001:"DUP-NAME"|})]
                    [KeepRecent]
                    public partial class Second
                    {
                    }

                    [MemoryPolicy({|FM1001:"dup-name"|})]
                    [KeepRecent]
                    public partial class Third
                    {
                    }
                    """, "B.cs"),
            ],
            [
                "Policy name 'DUP-NAME' is declared by both 'First' and 'Second'; names must be unique (case-insensitive). Rename one of the policies.",
                "Policy name 'dup-name' is declared by both 'First' and 'Third'; names must be unique (case-insensitive). Rename one of the policies.",
            ],
            checkGeneratedCode: false);

        await Assert.That(run.HintNames).Contains("Sample.First.MemoryPolicy.g.cs");
    }

    [Test]
    public async Task FM1001_ADuplicatePolicyNameCausesNoCompilerErrorInGeneratedCode()
    {
        var run = GeneratorRun.Run(Usings + """
            [MemoryPolicy("dup-clean")]
            [KeepRecent]
            public partial class First
            {
            }

            [MemoryPolicy("Dup-Clean")]
            [KeepRecent]
            public partial class Second
            {
            }
            """);

        await Assert.That(run.Diagnostics.Select(d => d.Id)).IsEquivalentTo(["FM1001"]);
        await Assert.That(run.GeneratedCodeProblems()).IsEmpty();
    }

    [Test]
    public async Task FM1002_APolicyClassOrAContainingTypeThatIsNotPartialIsReportedOnItsName()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy("np-class")]
                [KeepRecent]
                public class {|FM1002:Plain|}
                {
                }

                public class {|FM1002:Outer|}
                {
                    [MemoryPolicy("np-outer")]
                    [KeepRecent]
                    public partial class Inner
                    {
                    }
                }
                """,
            [
                "'Plain' must be partial so the generator can add the IMemoryPolicy implementation of policy 'np-class'. Declare it 'partial'.",
                "'Outer' must be partial so the generator can add the IMemoryPolicy implementation of policy 'np-outer'. Declare it 'partial'.",
            ]);

        await Assert.That(run.HintNames).IsEmpty();
    }

    [Test]
    public async Task FM1003_AZeroOrNegativeBudgetIsReportedOnTheArgumentAndOnlyThatPolicyIsLeftOut()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy("budget-zero", {|FM1003:Budget = 0|})]
                [KeepRecent]
                public partial class Zero
                {
                }

                [MemoryPolicy("budget-negative", Description = "d", {|FM1003:Budget = -5|})]
                [KeepRecent]
                public partial class Negative
                {
                }

                [MemoryPolicy("budget-fine", Budget = 100)]
                [KeepRecent]
                public partial class Fine
                {
                }
                """,
            [
                "Policy 'budget-zero' declares Budget = 0, but a budget is a number of tokens and must be positive. Set Budget above 0 or remove it.",
                "Policy 'budget-negative' declares Budget = -5, but a budget is a number of tokens and must be positive. Set Budget above 0 or remove it.",
            ]);

        await Assert.That(run.HintNames).IsEquivalentTo(["GenFM1003_AZeroOrNegativeBudgetIsReportedOnTheArgumentAndOnlyThatPolicyIsLeftOutRegistry.g.cs", "Sample.Fine.MemoryPolicy.g.cs"], CollectionOrdering.Matching);
        var registry = run.Source(run.HintNames[0]);
        await Assert.That(registry).Contains("\"budget-fine\"");
        await Assert.That(registry).DoesNotContain("budget-zero");
        await Assert.That(registry).DoesNotContain("budget-negative");
    }

    [Test]
    public async Task FM1004_AStageServiceNoMemberProvidesIsReportedOnTheStageAttribute()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + ClockStage + """
                [MemoryPolicy("svc-missing")]
                [KeepRecent]
                [{|FM1004:Stamp|}]
                public partial class MissingServicePolicy
                {
                    public string Label { get; } = "not a clock";
                }
                """,
            ["Stage 'Stamp' of policy 'svc-missing' needs a 'IClock' for its parameter 'clock', and 'MissingServicePolicy' has no field or property of that type. Add one, e.g. 'private readonly IClock clock = ...;'."]);

        await Assert.That(run.HintNames).IsEmpty();
    }

    [Test]
    public async Task FM1012_SeveralMembersThatCouldProvideAStageServiceAreReportedAsAmbiguous()
    {
        await DiagnosticExpectations.AssertExactly(
            Usings + ClockStage + """
                [MemoryPolicy("svc-ambiguous")]
                [{|FM1012:Stamp|}]
                public partial class AmbiguousPolicy
                {
                    private readonly IClock _wall = new NamedClock("wall");

                    private IClock Backup { get; } = new NamedClock("backup");
                }
                """,
            ["Stage 'Stamp' of policy 'svc-ambiguous' needs a 'IClock' for its parameter 'clock', and several members could provide it: '_wall', 'Backup'. Name the one to use 'clock'."]);
    }

    [Test]
    public async Task FM1012_AMemberNamedLikeTheParameterResolvesTheAmbiguityAndMayBeStatic()
    {
        var run = GeneratorRun.Run(Usings + ClockStage + """
            [MemoryPolicy("svc-tiebreak")]
            [Stamp]
            public partial class TiebreakPolicy
            {
                private readonly IClock _wall = new NamedClock("wall");

                private static IClock Clock { get; } = new NamedClock("by name");
            }
            """);

        await Assert.That(run.Problems()).IsEmpty();
        await Assert.That(run.Source("Sample.TiebreakPolicy.MemoryPolicy.g.cs")).Contains("global::Sample.ClockStage.Run(frame, clock: global::Sample.TiebreakPolicy.Clock);");

        var registry = run.LoadRegistry();
        await Conversations.PrepareAsync(registry.CreatePolicy("svc-tiebreak"), 100, ("u1", "user", "hello"));
        await Assert.That(registry.GetStatic("Sample.ClockStage", "LastClock")).IsEqualTo("by name");
    }

    [Test]
    public async Task FM1005_StageMethodsWithTheWrongSignatureAreReportedOnTheirNames()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy("bad-stages")]
                [KeepRecent]
                public partial class BadStages
                {
                    [Stage]
                    private int {|FM1005:Count|}(MemoryFrame frame) => 0;

                    [Stage]
                    private ValueTask<int> {|FM1005:Later|}(MemoryFrame frame) => new(0);

                    [Stage]
                    private void {|FM1005:NoFrame|}(string text)
                    {
                    }

                    [Stage]
                    private void {|FM1005:Extra|}(MemoryFrame frame, int count)
                    {
                    }

                    [Stage]
                    private void {|FM1005:Swapped|}(CancellationToken cancellationToken, MemoryFrame frame)
                    {
                    }

                    [Stage]
                    private void {|FM1005:Nothing|}()
                    {
                    }

                    [Stage]
                    private void {|FM1005:Generic|}<T>(MemoryFrame frame)
                    {
                    }

                    [Stage]
                    private void {|FM1005:ByRef|}(ref MemoryFrame frame)
                    {
                    }

                    [Stage]
                    private void {|FM1005:ByIn|}(in MemoryFrame frame)
                    {
                    }

                    [Stage]
                    private static Task Fine(MemoryFrame frame, CancellationToken cancellationToken) => Task.CompletedTask;
                }
                """,
            [
                "Stage method 'Count' returns 'int'. " + StageSignature,
                "Stage method 'Later' returns 'ValueTask<int>'. " + StageSignature,
                "Stage method 'NoFrame' takes (string). " + StageSignature,
                "Stage method 'Extra' takes (MemoryFrame, int). " + StageSignature,
                "Stage method 'Swapped' takes (CancellationToken, MemoryFrame). " + StageSignature,
                "Stage method 'Nothing' takes (). " + StageSignature,
                "Stage method 'Generic' is generic. " + StageSignature,
                "Stage method 'ByRef' takes (ref MemoryFrame). " + StageSignature,
                "Stage method 'ByIn' takes (in MemoryFrame). " + StageSignature,
            ]);

        await Assert.That(run.HintNames).IsEmpty();
    }

    [Test]
    public async Task FM1006_AnOrderingThatNamesNoStageIsReportedOnTheNamedArgument()
    {
        await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy("unknown-order")]
                [KeepRecent]
                public partial class UnknownOrder
                {
                    [Stage({|FM1006:After = "Nowhere"|})]
                    private static void Late(MemoryFrame frame)
                    {
                    }

                    [Stage({|FM1006:Before = "KeepRecnt"|})]
                    private static void Early(MemoryFrame frame)
                    {
                    }
                }
                """,
            [
                "Stage method 'Late' says After = \"Nowhere\", but policy 'unknown-order' has no stage of that name. Its stages are: KeepRecent, Late, Early.",
                "Stage method 'Early' says Before = \"KeepRecnt\", but policy 'unknown-order' has no stage of that name. Its stages are: KeepRecent, Late, Early.",
            ]);
    }

    [Test]
    public async Task FM1007_OrderingsThatFormACycleAreReportedOnTheCyclesFirstStage()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy("cycle-two")]
                [KeepRecent]
                public partial class CycleTwo
                {
                    [Stage(After = "Second")]
                    private static void {|FM1007:First|}(MemoryFrame frame)
                    {
                    }

                    [Stage(After = "First")]
                    private static void Second(MemoryFrame frame)
                    {
                    }
                }

                [MemoryPolicy("cycle-self")]
                [KeepRecent]
                public partial class CycleSelf
                {
                    [Stage(Before = "self")]
                    private static void {|FM1007:Self|}(MemoryFrame frame)
                    {
                    }
                }

                [MemoryPolicy("cycle-attributes")]
                [{|FM1007:KeepRecent|}]
                [Select]
                public partial class CycleThroughAttributes
                {
                    [Stage(After = "Select", Before = "KeepRecent")]
                    private static void Loop(MemoryFrame frame)
                    {
                    }
                }
                """,
            [
                "The After/Before orderings of policy 'cycle-two' form a cycle: First → Second → First. Remove one of these orderings.",
                "The After/Before orderings of policy 'cycle-self' form a cycle: Self → Self. Remove one of these orderings.",
                "The After/Before orderings of policy 'cycle-attributes' form a cycle: KeepRecent → Select → Loop → KeepRecent. Remove one of these orderings.",
            ]);

        await Assert.That(run.HintNames).IsEmpty();
    }

    [Test]
    public async Task FM1008_AnAbstractStaticOrGenericPolicyClassIsReportedOnItsName()
    {
        const string Fix = "Make it a non-generic, non-abstract, non-static, non-file class its assembly can see, without required members.";
        await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy("shape-abstract")]
                [KeepRecent]
                public abstract partial class {|FM1008:Abstract|}
                {
                }

                [MemoryPolicy("shape-static")]
                [KeepRecent]
                public static partial class {|FM1008:Static|}
                {
                }

                [MemoryPolicy("shape-generic")]
                [KeepRecent]
                public partial class {|FM1008:Generic|}<T>
                {
                }

                public partial class Box<T>
                {
                    public partial class Middle
                    {
                        [MemoryPolicy("shape-in-generic")]
                        [KeepRecent]
                        public partial class {|FM1008:Inner|}
                        {
                        }
                    }
                }
                """,
            [
                "Policy class 'Abstract' is abstract, but the registry creates each policy with 'new Abstract()'. " + Fix,
                "Policy class 'Static' is static, but the registry creates each policy with 'new Static()'. " + Fix,
                "Policy class 'Generic' is generic, but the registry creates each policy with 'new Generic()'. " + Fix,
                "Policy class 'Box.Middle.Inner' is generic, but the registry creates each policy with 'new Box.Middle.Inner()'. " + Fix,
            ]);
    }

    [Test]
    public async Task FM1009_APolicyWithoutAnAccessibleParameterlessConstructorIsReportedOnItsName()
    {
        await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy("ctor-private")]
                [KeepRecent]
                public partial class {|FM1009:PrivateCtor|}
                {
                    private PrivateCtor()
                    {
                    }
                }

                [MemoryPolicy("ctor-protected")]
                [KeepRecent]
                public partial class {|FM1009:ProtectedCtor|}
                {
                    protected ProtectedCtor()
                    {
                    }
                }

                [MemoryPolicy("ctor-argument")]
                [KeepRecent]
                public partial class {|FM1009:NeedsArgument|}
                {
                    public NeedsArgument(int size)
                    {
                    }
                }

                [MemoryPolicy("ctor-positional")]
                [KeepRecent]
                public partial record {|FM1009:Positional|}(int Size);

                [MemoryPolicy("ctor-internal")]
                [KeepRecent]
                public partial class InternalCtor
                {
                    internal InternalCtor()
                    {
                    }
                }
                """,
            [
                "Policy class 'PrivateCtor' has no parameterless constructor the registry can call ('new PrivateCtor()'). Add one; it may be internal.",
                "Policy class 'ProtectedCtor' has no parameterless constructor the registry can call ('new ProtectedCtor()'). Add one; it may be internal.",
                "Policy class 'NeedsArgument' has no parameterless constructor the registry can call ('new NeedsArgument()'). Add one; it may be internal.",
                "Policy class 'Positional' has no parameterless constructor the registry can call ('new Positional()'). Add one; it may be internal.",
            ]);
    }

    [Test]
    public async Task FM1010_AStageAttributeThatCannotBeBoundToItsImplementationIsReportedOnTheAttribute()
    {
        const string Prefix = "Stage '{0}' of policy 'bad-attributes' cannot be generated: ";
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                [StageImplementation(typeof(ThresholdStage), nameof(ThresholdStage.Run))]
                public sealed class ThresholdAttribute : PolicyStageAttribute
                {
                    public int Threshold { get; set; }
                }

                public static class ThresholdStage
                {
                    public static void Run(MemoryFrame frame)
                    {
                    }
                }

                [StageImplementation(typeof(TypedStage), nameof(TypedStage.Run))]
                public sealed class TypedAttribute : PolicyStageAttribute
                {
                    public string Limit { get; set; } = "";
                }

                public static class TypedStage
                {
                    public static void Run(MemoryFrame frame, int limit = 0)
                    {
                    }
                }

                [StageImplementation(typeof(FramelessStage), nameof(FramelessStage.Run))]
                public sealed class FramelessAttribute : PolicyStageAttribute
                {
                }

                public static class FramelessStage
                {
                    public static void Run(CancellationToken cancellationToken)
                    {
                    }
                }

                [StageImplementation(typeof(MissingStage), "Nope")]
                public sealed class MissingAttribute : PolicyStageAttribute
                {
                }

                public static class MissingStage
                {
                }

                [StageImplementation(typeof(HiddenStage), "Run")]
                public sealed class HiddenAttribute : PolicyStageAttribute
                {
                }

                public static class HiddenStage
                {
                    private static void Run(MemoryFrame frame)
                    {
                    }
                }

                [StageImplementation(typeof(RefStage), nameof(RefStage.Run))]
                public sealed class RefAttribute : PolicyStageAttribute
                {
                }

                public static class RefStage
                {
                    public static void Run(MemoryFrame frame, ref int count)
                    {
                    }
                }

                [StageImplementation(typeof(WordsStage), nameof(WordsStage.Run))]
                public sealed class WordsAttribute : PolicyStageAttribute
                {
                    public string[] Words { get; set; } = [];
                }

                public static class WordsStage
                {
                    public static void Run(MemoryFrame frame, string[]? words = null)
                    {
                    }
                }

                [MemoryPolicy("bad-attributes")]
                [{|FM1010:Threshold(Threshold = 3)|}]
                [{|FM1010:Typed(Limit = "ten")|}]
                [{|FM1010:Frameless|}]
                [{|FM1010:Missing|}]
                [{|FM1010:Hidden|}]
                [{|FM1010:Ref|}]
                [{|FM1010:Words(Words = new[] { "a" })|}]
                public partial class BadAttributes
                {
                }
                """,
            [
                string.Format(null, Prefix, "Threshold") + "argument 'Threshold' has no parameter of that name in 'ThresholdStage.Run(frame)'. Rename the attribute's property or the method's parameter so they match.",
                string.Format(null, Prefix, "Typed") + "argument 'Limit' is a 'string', but parameter 'limit' of 'TypedStage.Run' is a 'int'. Make the types agree.",
                string.Format(null, Prefix, "Frameless") + "its implementation 'FramelessStage.Run' takes no MemoryFrame. A stage works on the frame: add a MemoryFrame parameter.",
                string.Format(null, Prefix, "Missing") + "its [StageImplementation] names 'MissingStage.Nope', which is not a static, non-generic method. Point it at a public static method taking a MemoryFrame.",
                string.Format(null, Prefix, "Hidden") + "its implementation 'HiddenStage.Run' is not accessible from 'BadAttributes'. Make it public.",
                string.Format(null, Prefix, "Ref") + "parameter 'count' of 'RefStage.Run' is ref or out; stage parameters are passed by value.",
                string.Format(null, Prefix, "Words") + "argument 'Words' is an array or of a type a generated call cannot pass as a constant.",
            ]);

        await Assert.That(run.HintNames).IsEmpty();
    }

    [Test]
    public async Task FM1011_AnInvalidPolicyNameIsReportedOnTheNameArgument()
    {
        const string Rule = "is not valid. Use letters, digits, '_', '-' and '.', starting with a letter or digit.";
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy({|FM1011:""|})]
                [KeepRecent]
                public partial class Empty
                {
                }

                [MemoryPolicy({|FM1011:"has space"|})]
                [KeepRecent]
                public partial class Spaced
                {
                }

                [MemoryPolicy({|FM1011:"a,b"|})]
                [KeepRecent]
                public partial class Comma
                {
                }

                [MemoryPolicy({|FM1011:"-leading"|})]
                [KeepRecent]
                public partial class Leading
                {
                }

                [MemoryPolicy("fine_Name-2.0")]
                [KeepRecent]
                public partial class Fine
                {
                }
                """,
            [
                "Policy name '' on 'Empty' " + Rule,
                "Policy name 'has space' on 'Spaced' " + Rule,
                "Policy name 'a,b' on 'Comma' " + Rule,
                "Policy name '-leading' on 'Leading' " + Rule,
            ]);

        await Assert.That(run.HintNames).Contains("Sample.Fine.MemoryPolicy.g.cs");
        await Assert.That(run.HintNames.Count).IsEqualTo(2);
    }

    [Test]
    public async Task FM1014_AMemberTheGeneratorWritesIsReportedOnTheUsersDeclaration()
    {
        const string Fix = "Rename or remove it (set the name and description on [MemoryPolicy]).";
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy("clash-name")]
                [KeepRecent]
                public partial class NameClash
                {
                    public const string {|FM1014:Name|} = "clash-name";
                }

                [MemoryPolicy("clash-build")]
                [KeepRecent]
                public partial class BuildClash
                {
                    public string {|FM1014:Description|} => "mine";

                    public void {|FM1014:BuildAsync|}()
                    {
                    }
                }

                [MemoryPolicy("clash-none")]
                [KeepRecent]
                public partial class NoClash
                {
                    public const string PolicyName = "clash-none";
                }
                """,
            [
                "Policy class 'NameClash' declares 'Name', which the generator writes to implement IMemoryPolicy for policy 'clash-name'. " + Fix,
                "Policy class 'BuildClash' declares 'Description', which the generator writes to implement IMemoryPolicy for policy 'clash-build'. " + Fix,
                "Policy class 'BuildClash' declares 'BuildAsync', which the generator writes to implement IMemoryPolicy for policy 'clash-build'. " + Fix,
            ]);

        await Assert.That(run.LoadRegistry().PolicyNames).IsEquivalentTo(["clash-none"]);
    }

    [Test]
    public async Task FM1013_AStageMethodOutsideAPolicyIsAWarningThatDoesNotStopOtherPolicies()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy("stray-fine")]
                [KeepRecent]
                public partial class Fine
                {
                }

                public class Helper
                {
                    [Stage]
                    public static void {|FM1013:Orphan|}(MemoryFrame frame)
                    {
                    }
                }
                """,
            ["Method 'Orphan' is marked [Stage], but 'Helper' has no [MemoryPolicy] attribute, so the stage never runs. Add [MemoryPolicy(\"...\")] to 'Helper' or remove [Stage]."]);

        await Assert.That(run.HintNames).Contains("Sample.Fine.MemoryPolicy.g.cs");
        await Assert.That(run.Output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)).IsEmpty();
        var policy = run.LoadRegistry().CreatePolicy("stray-fine");
        await Assert.That(policy.Description).IsEqualTo("KeepRecent");
    }

    [Test]
    public async Task APolicyWithSeveralProblemsReportsEachOfThem()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                [MemoryPolicy({|FM1011:"bad name"|}, {|FM1003:Budget = -1|})]
                [KeepRecent]
                public abstract class {|FM1002:{|FM1008:Everything|}|}
                {
                    [Stage]
                    private int {|FM1005:Wrong|}(MemoryFrame frame) => 0;
                }
                """,
            [
                "Policy name 'bad name' on 'Everything' is not valid. Use letters, digits, '_', '-' and '.', starting with a letter or digit.",
                "Policy 'bad name' declares Budget = -1, but a budget is a number of tokens and must be positive. Set Budget above 0 or remove it.",
                "'Everything' must be partial so the generator can add the IMemoryPolicy implementation of policy 'bad name'. Declare it 'partial'.",
                "Policy class 'Everything' is abstract, but the registry creates each policy with 'new Everything()'. Make it a non-generic, non-abstract, non-static, non-file class its assembly can see, without required members.",
                "Stage method 'Wrong' returns 'int'. " + StageSignature,
            ]);

        await Assert.That(run.HintNames).IsEmpty();
        await Assert.That(MemoryPolicies.Names).DoesNotContain("bad name");
    }
}
