using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using FiniteMemory.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FiniteMemory.Readme.Tests.Support;

/// <summary>
/// Compiles a README snippet as an application would: one source file, with the implicit usings of an SDK
/// project, nullable on, against <see cref="SnippetReferences"/>, with the FiniteMemory source generator run over
/// it (a sample declaring a [MemoryPolicy] needs the code it generates).
/// </summary>
/// <remarks>
/// The snippet's blocks become one file: the using directives of every block first (each once), then the rest of
/// each block in order, as a reader pasting them into one file would arrange them. <c>#line</c> directives map
/// every line back to the README, so a diagnostic names the README's file and line. Top-level statements make
/// it a console application, otherwise a library.
/// </remarks>
internal static class SnippetCompiler
{
    /// <summary>The language of the .NET 10 SDK's compiler, which this Roslyn (pinned for the generator) knows as preview.</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    /// <summary>The usings <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> gives a Microsoft.NET.Sdk project.</summary>
    public const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private const string ImplicitUsingsPath = "ImplicitUsings.g.cs";

    /// <summary>
    /// What keeps the snippet from compiling cleanly: a generator exception, and every error and warning
    /// (each as <c>file(line,col): severity id: message</c>), plus any using directive the snippet does not need.
    /// Empty when it compiles cleanly.
    /// </summary>
    public static IReadOnlyList<string> Problems(ReadmeSnippet snippet) => Problems(snippet.Parts);

    /// <summary>The problems of compiling these blocks together, oldest first.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<CodeBlock> parts)
    {
        var source = CSharpSyntaxTree.ParseText(Source(parts), ParseOptions, parts[^1].File, Encoding.UTF8);
        var implicitUsings = CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, ImplicitUsingsPath, Encoding.UTF8);
        var outputKind = source.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any()
            ? OutputKind.ConsoleApplication
            : OutputKind.DynamicallyLinkedLibrary;
        var input = CSharpCompilation.Create(
            "ReadmeSnippet",
            [source, implicitUsings],
            SnippetReferences.All,
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

        var driver = CSharpGeneratorDriver.Create([new FiniteMemoryGenerator().AsSourceGenerator()], parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);

        var problems = new List<string>();
        problems.AddRange(driver.GetRunResult().Results.Where(r => r.Exception is not null).Select(r => "the generator threw: " + r.Exception));
        problems.AddRange(generatorDiagnostics.Select(d => Format(d, source)));
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        problems.AddRange(output.GetDiagnostics()
            .Concat(emitted.Diagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning || IsUnneededUsingInSnippet(d))
            .OrderBy(d => Position(d, source).Path, StringComparer.Ordinal)
            .ThenBy(d => Position(d, source).StartLinePosition)
            .Select(d => Format(d, source))
            .Distinct(StringComparer.Ordinal));
        return problems;
    }

    /// <summary>The one source file the blocks compile as, with <c>#line</c> directives naming their README lines.</summary>
    public static string Source(IReadOnlyList<CodeBlock> parts)
    {
        var usings = new StringBuilder();
        var code = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            var root = CSharpSyntaxTree.ParseText(part.Text, ParseOptions).GetCompilationUnitRoot();
            var directives = root.Usings;
            foreach (var directive in directives)
            {
                var text = directive.WithoutTrivia().ToFullString();
                if (seen.Add(text))
                {
                    usings.Append(LineDirective(part, directive.GetLocation().GetLineSpan().StartLinePosition.Line)).Append(text).Append('\n');
                }
            }

            // The block's code starts on the line after its last using directive.
            var codeLine = directives.Count == 0 ? 0 : directives[^1].GetLocation().GetLineSpan().EndLinePosition.Line + 1;
            code.Append(LineDirective(part, codeLine));
            foreach (var line in part.Lines.Skip(codeLine))
            {
                code.Append(line).Append('\n');
            }
        }

        return usings.Append(code).ToString();
    }

    private static string LineDirective(CodeBlock part, int lineInBlock) =>
        string.Create(CultureInfo.InvariantCulture, $"#line {part.FirstLine + lineInBlock} \"{part.File}\"\n");

    // CS8019 "Unnecessary using directive" is hidden by default; a README's using that nothing needs misleads its reader.
    private static bool IsUnneededUsingInSnippet(Diagnostic diagnostic) =>
        diagnostic.Id == "CS8019" && diagnostic.Location.SourceTree?.FilePath != ImplicitUsingsPath;

    // The compiler's form, file(line,col): severity id: message. The generator reports its diagnostics at plain
    // file positions, not through the tree, so those are mapped through the snippet's #line directives here.
    private static string Format(Diagnostic diagnostic, SyntaxTree source)
    {
        var position = Position(diagnostic, source);
        var severity = diagnostic.Severity.ToString().ToLowerInvariant();
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        return position.IsValid
            ? string.Create(CultureInfo.InvariantCulture, $"{position.Path}({position.StartLinePosition.Line + 1},{position.StartLinePosition.Character + 1}): {severity} {diagnostic.Id}: {message}")
            : $"{severity} {diagnostic.Id}: {message}";
    }

    private static FileLinePositionSpan Position(Diagnostic diagnostic, SyntaxTree source) =>
        !diagnostic.Location.IsInSource && diagnostic.Location.GetLineSpan().Path == source.FilePath && diagnostic.Location.SourceSpan.End <= source.Length
            ? source.GetMappedLineSpan(diagnostic.Location.SourceSpan)
            : diagnostic.Location.GetMappedLineSpan();
}
