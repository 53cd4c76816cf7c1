using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>
/// One run of <see cref="FiniteMemoryGenerator"/> over a compilation: what it generated and reported, the
/// compilation with its output added, and ways to check, emit and load that compilation.
/// </summary>
internal sealed class GeneratorRun
{
    private GeneratorRun(GeneratorDriver driver, CSharpCompilation input, Compilation output)
    {
        Driver = driver;
        Input = input;
        Output = output;
        Result = driver.GetRunResult().Results.Single();
    }

    /// <summary>The driver after the run; run it again over an edited compilation to test caching.</summary>
    public GeneratorDriver Driver { get; }

    /// <summary>The compilation the generator saw.</summary>
    public CSharpCompilation Input { get; }

    /// <summary>The input compilation with the generated sources added.</summary>
    public Compilation Output { get; }

    /// <summary>The generator's result: sources, diagnostics, tracked steps.</summary>
    public GeneratorRunResult Result { get; }

    /// <summary>The diagnostics the generator reported.</summary>
    public ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;

    /// <summary>The generated sources, by hint name (ordinal order).</summary>
    public IReadOnlyList<GeneratedSourceResult> Sources => [.. Result.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal)];

    /// <summary>The generated files' hint names, in ordinal order.</summary>
    public IReadOnlyList<string> HintNames => [.. Sources.Select(s => s.HintName)];

    /// <summary>A driver that tracks every step, as incremental tests need.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new FiniteMemoryGenerator().AsSourceGenerator()],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true),
            parseOptions: TestCompilation.ParseOptions);

    /// <summary>Runs the generator over <paramref name="input"/>, with a new driver or (for caching tests) the one given.</summary>
    public static GeneratorRun Run(CSharpCompilation input, GeneratorDriver? driver = null)
    {
        var ran = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        return new GeneratorRun(ran, input, output);
    }

    /// <summary>Compiles <paramref name="source"/> as <c>Input.cs</c> in an assembly named after the calling test and runs the generator.</summary>
    public static GeneratorRun Run(string source, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        Run(TestCompilation.Create(source, test));

    /// <summary>The text of the generated file with this hint name.</summary>
    public string Source(string hintName) =>
        Result.GeneratedSources.SingleOrDefault(s => s.HintName == hintName).SourceText?.ToString()
        ?? throw new InvalidOperationException($"No generated file '{hintName}'. Generated: {string.Join(", ", HintNames)}.");

    /// <summary>
    /// Every generated file, each under a header line with its hint name: what snapshot tests compare. The
    /// generator's version in <c>[GeneratedCode]</c> reads <c>{version}</c>, so a version bump does not touch every
    /// snapshot (a separate test checks the real value).
    /// </summary>
    public string Listing()
    {
        var version = $"[global::System.CodeDom.Compiler.GeneratedCode(\"FiniteMemory.Generators\", \"{GeneratorVersion}\")]";
        var text = new StringBuilder();
        foreach (var source in Sources)
        {
            text.Append("//// ").Append(source.HintName).Append('\n');
            text.Append(source.SourceText.ToString()
                .Replace("\r\n", "\n", StringComparison.Ordinal)
                .Replace(version, "[global::System.CodeDom.Compiler.GeneratedCode(\"FiniteMemory.Generators\", \"{version}\")]", StringComparison.Ordinal));
            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The generator assembly's version as <c>[GeneratedCode]</c> shows it (major.minor.build).</summary>
    public static string GeneratorVersion => typeof(FiniteMemoryGenerator).Assembly.GetName().Version!.ToString(3);

    /// <summary>
    /// What keeps the output from being clean: a generator exception, any generator diagnostic, any compiler
    /// error anywhere, and any compiler warning in a generated file. Empty when the output is clean.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Result.Exception is { } exception)
        {
            problems.Add("generator threw: " + exception);
        }

        problems.AddRange(Result.Diagnostics.Select(Format));
        problems.AddRange(Output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error
                || (d.Severity == DiagnosticSeverity.Warning && IsGenerated(d.Location.SourceTree)))
            .Select(Format));
        return problems;
    }

    /// <summary>Warnings and errors the compiler reports in generated files (for diagnostics tests, where the input itself is at fault).</summary>
    public IReadOnlyList<string> GeneratedCodeProblems() =>
        [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && IsGenerated(d.Location.SourceTree)).Select(Format)];

    /// <summary>Compiler errors in the input alone (a diagnostics test's input must be valid C#).</summary>
    public IReadOnlyList<string> InputErrors() =>
        [.. Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(Format)];

    /// <summary>The output compilation as an assembly image; throws listing the errors when it does not compile.</summary>
    public byte[] Emit()
    {
        using var image = new MemoryStream();
        var result = Output.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException("The generated compilation does not emit:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Format)));
        }

        return image.ToArray();
    }

    /// <summary>Emits the output compilation and loads it into <paramref name="context"/> (a new one by default).</summary>
    public Assembly Load(TestLoadContext? context = null) => (context ?? new TestLoadContext()).Load(Emit());

    /// <summary>Emits and loads the output compilation and returns its generated registry.</summary>
    public GeneratedRegistry LoadRegistry(TestLoadContext? context = null) => new(Load(context));

    /// <summary>
    /// A diagnostic as one line: id, severity, file, span and line span, message. The generator's diagnostics are
    /// created from plain values (file path and spans), so their location names the file rather than a syntax tree.
    /// </summary>
    public static string Format(Diagnostic diagnostic)
    {
        var lines = diagnostic.Location.GetLineSpan();
        return Format(diagnostic.Id, diagnostic.Severity, lines.Path, diagnostic.Location.SourceSpan, lines.Span, diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    /// <summary>The one-line form of a diagnostic, from its parts.</summary>
    public static string Format(string id, DiagnosticSeverity severity, string path, TextSpan span, LinePositionSpan lines, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"{id} {severity} {path}{span} {lines}: {message}");

    private bool IsGenerated(SyntaxTree? tree) => tree is not null && !Input.SyntaxTrees.Contains(tree);
}
