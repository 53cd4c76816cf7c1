using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>Builds the small C# compilations the generator runs over.</summary>
internal static class TestCompilation
{
    /// <summary>
    /// The newest language version, with documentation comments diagnosed so that malformed XML docs in
    /// generated code show up as warnings.
    /// </summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview, DocumentationMode.Diagnose);

    /// <summary>A library compilation of the given sources; its assembly name must be unique in the test run (see <see cref="TestLoadContext"/>).</summary>
    public static CSharpCompilation Create(
        string assemblyName,
        IEnumerable<(string Path, string Text)> sources,
        IEnumerable<MetadataReference>? references = null,
        IEnumerable<MetadataReference>? additionalReferences = null) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select(s => Parse(s.Path, s.Text)),
            (references ?? TestReferences.All).Concat(additionalReferences ?? []),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                deterministic: true));

    /// <summary>One source file called <c>Input.cs</c>, in an assembly named after the calling test.</summary>
    public static CSharpCompilation Create(string source, [CallerMemberName] string test = "") =>
        Create(AssemblyNameFor(test), [("Input.cs", source)]);

    /// <summary>The assembly name a test's compilation gets: unique per test, and readable in generated registries.</summary>
    public static string AssemblyNameFor(string test) => "Gen." + test;

    public static SyntaxTree Parse(string path, string text) => CSharpSyntaxTree.ParseText(text, ParseOptions, path);
}
