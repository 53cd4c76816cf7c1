using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>
/// Runs the generator over sources with diagnostic markup and asserts it reports exactly the marked
/// diagnostics — id, severity, file, span and full message — and nothing else, so no diagnostic goes unasserted.
/// </summary>
internal static class DiagnosticExpectations
{
    /// <summary>Asserts the diagnostics of one marked file <c>Input.cs</c>; <paramref name="messages"/> are in the order the marks open.</summary>
    public static Task<GeneratorRun> AssertExactly(string markup, string[] messages, bool checkGeneratedCode = true, [CallerMemberName] string test = "") =>
        AssertExactly([MarkedSource.Parse(markup)], messages, checkGeneratedCode, test);

    /// <summary>Asserts the diagnostics of several marked files; <paramref name="messages"/> follow the files' order, then the order the marks open.</summary>
    /// <param name="sources">The marked files.</param>
    /// <param name="messages">The expected messages.</param>
    /// <param name="checkGeneratedCode">Also assert that what was generated for the other declarations compiles without errors or warnings.</param>
    /// <param name="test">The calling test (names the assembly).</param>
    public static async Task<GeneratorRun> AssertExactly(MarkedSource[] sources, string[] messages, bool checkGeneratedCode = true, [CallerMemberName] string test = "")
    {
        var marks = sources.SelectMany(s => s.Spans).ToList();
        if (marks.Count != messages.Length)
        {
            throw new ArgumentException($"The sources mark {marks.Count} diagnostics but {messages.Length} messages were given.", nameof(messages));
        }

        var run = GeneratorRun.Run(TestCompilation.Create(TestCompilation.AssemblyNameFor(test), sources.Select(s => (s.Path, s.Text))));

        // The input must be valid C#: the diagnostics under test are the generator's, not the compiler's.
        await Assert.That(run.InputErrors()).IsEmpty();
        await Assert.That(run.Result.Exception).IsNull();

        var texts = sources.ToDictionary(s => s.Path, s => SourceText.From(s.Text), StringComparer.Ordinal);
        var expected = marks.Zip(messages, (mark, message) =>
            GeneratorRun.Format(mark.Id, SeverityOf(mark.Id), mark.Path, mark.Span, texts[mark.Path].Lines.GetLinePositionSpan(mark.Span), message));
        var actual = run.Diagnostics.Select(GeneratorRun.Format);
        await Assert.That(string.Join("\n", actual.Order(StringComparer.Ordinal))).IsEqualTo(string.Join("\n", expected.Order(StringComparer.Ordinal)));

        // Whatever the generator did emit for the other declarations still compiles cleanly.
        if (checkGeneratedCode)
        {
            await Assert.That(run.GeneratedCodeProblems()).IsEmpty();
        }

        return run;
    }

    // FM1013 (a [Stage] method that never runs) is the only warning; everything else stops generation.
    private static DiagnosticSeverity SeverityOf(string id) => id == "FM1013" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error;
}
