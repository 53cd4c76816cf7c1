using FiniteMemory.Generators.Support;
using FiniteMemory.Generators.Tests.Inputs;
using FiniteMemory.Generators.Tests.Support;
using Microsoft.CodeAnalysis;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// The generator's model — what its pipeline steps cache — holds only plain, equatable values: no symbol,
/// syntax, semantic model, compilation or location. Checked on the declared types and on the actual outputs
/// of every tracked step of a real run.
/// </summary>
public class SpecGraphTests
{
    private static readonly Type[] ModelTypes =
    [
        typeof(PolicySpec), typeof(PolicyModel), typeof(StageCallSpec), typeof(ArgumentSpec), typeof(ContainingTypeSpec),
        typeof(BackendSpec), typeof(BackendModel), typeof(SettingSpec), typeof(RegistrySpec), typeof(DiagnosticInfo), typeof(LocationInfo),
    ];

    [Test]
    public async Task TheModelTypesHoldOnlyPlainEquatableValues()
    {
        var reached = new HashSet<Type>();
        var problems = ModelGraph.CheckTypes([typeof(PolicyModel), typeof(BackendModel), typeof(RegistrySpec), typeof(DiagnosticInfo)], reached);

        await Assert.That(problems).IsEmpty();

        // The walk saw the whole model, so an empty problem list means something.
        await Assert.That(ModelTypes.Where(t => !reached.Contains(t))).IsEmpty();
        await Assert.That(reached.Any(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(EquatableArray<>))).IsTrue();
    }

    [Test]
    public async Task TheTypeWalkFindsASymbolOrLocationHiddenInAModel()
    {
        var problems = ModelGraph.CheckTypes([typeof(LeakyModel)], []);

        await Assert.That(problems).IsEquivalentTo(
        [
            "LeakyModel.<Where>k__BackingField is a Location",
            "LeakyModel.<Nested>k__BackingField.<Symbol>k__BackingField is a ISymbol",
            "LeakyModel.<Anything>k__BackingField is a Object, which could hold anything",
            "LeakyModel.<Trees>k__BackingField[] is a SyntaxTree",
            "LeakyModel.<Mutable>k__BackingField is a List`1, which has no value equality (IEquatable<List`1>)",
        ]);
    }

    [Test]
    public async Task EveryTrackedStepOfARealRunOutputsOnlyPlainValues()
    {
        var library = GeneratorRun.Run(TestCompilation.Create("Gen.GraphLibrary", [("Library.cs", """
            using FiniteMemory.Policies;

            [MemoryPolicy("gen-graph-library")]
            [KeepRecent]
            public partial class GraphLibraryPolicy
            {
            }
            """)]));
        await Assert.That(library.Problems()).IsEmpty();

        // Valid policies of every kind, a policy and a backend with errors (diagnostics with locations), a stray
        // stage, backends with settings binders, and a referenced registry.
        var run = GeneratorRun.Run(TestCompilation.Create(
            "Gen.Graph",
            [
                ("Staged.cs", PolicyInputs.Staged), ("Methods.cs", PolicyInputs.StageMethods), ("Nested.cs", PolicyInputs.NestedAndGlobal),
                ("Custom.cs", PolicyInputs.CustomStage), ("EchoClient.cs", BackendInputs.EchoClient), ("Factories.cs", BackendInputs.Factories),
                ("Broken.cs", """
                    using FiniteMemory.Backends;
                    using FiniteMemory;
                    using FiniteMemory.Stages;
                    using FiniteMemory.Policies;
                    using Microsoft.Extensions.AI;

                    [MemoryPolicy("bad name", Budget = -1)]
                    [KeepRecent]
                    public class BrokenPolicy
                    {
                    }

                    public class Stray
                    {
                        [Stage]
                        public static void Orphan(MemoryFrame frame)
                        {
                        }
                    }

                    public static class BrokenBackends
                    {
                        [Backend("broken")]
                        public static string Create() => "";
                    }
                    """),
            ],
            additionalReferences: [MetadataReference.CreateFromImage(library.Emit())]));
        await Assert.That(run.Diagnostics.Select(d => d.Id).Distinct().Order()).IsEquivalentTo(["FM1002", "FM1003", "FM1011", "FM1013", "FM2002"]);

        var seenTypes = new HashSet<Type>();
        var problems = new List<string>();
        foreach (var step in TrackedSteps.Names)
        {
            var outputs = run.Outputs(step);
            await Assert.That(outputs).IsNotEmpty();
            for (var i = 0; i < outputs.Count; i++)
            {
                problems.AddRange(ModelGraph.CheckValue(outputs[i].Value, $"{step}[{i}]", seenTypes));
            }
        }

        await Assert.That(problems).IsEmpty();
        await Assert.That(ModelTypes.Where(t => !seenTypes.Contains(t))).IsEmpty();
    }

    [Test]
    public async Task TheValueWalkFindsALocationInsideACollection()
    {
        var tree = TestCompilation.Parse("Leak.cs", "class C { }");
        var problems = ModelGraph.CheckValue(new object[] { "fine", new[] { Location.Create(tree, default) } }, "value", []);

        await Assert.That(problems).IsEquivalentTo(["value[1][0] is a SourceLocation"]);
    }

    private sealed record NestedLeak(ISymbol Symbol);

    private sealed record LeakyModel(string Name, Location Where, NestedLeak Nested, object Anything, EquatableArray<string> Fine, SyntaxTree[] Trees, List<int> Mutable);
}
