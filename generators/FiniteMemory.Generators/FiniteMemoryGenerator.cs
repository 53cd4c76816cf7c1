using System.Collections.Immutable;
using System.Linq;
using FiniteMemory.Generators.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FiniteMemory.Generators;

/// <summary>
/// Turns <c>[MemoryPolicy]</c> classes into <c>IMemoryPolicy</c> implementations whose build method calls each
/// stage directly, turns <c>[Backend]</c> factories into registrations with generated settings binders, and
/// writes one registry per assembly that registers both at start-up (a module initializer) together with the
/// registries of referenced assemblies. Every <c>ForAttributeWithMetadataName</c> call is here; parsing is in
/// <c>FiniteMemoryGenerator.Parser*.cs</c>, text in <c>FiniteMemoryGenerator.Emitter.cs</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class FiniteMemoryGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var policyModels = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.MemoryPolicyAttribute,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => Parser.ParsePolicy(ctx, ct))
            .WithTrackingName(TrackingNames.PolicyModels);

        var policySpecs = policyModels
            .Select(static (model, _) => model.Spec)
            .WithTrackingName(TrackingNames.PolicySpecs);

        var strayStages = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.StageAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, _) => Parser.ParseStrayStage(ctx))
            .WithTrackingName(TrackingNames.StrayStages);

        var backendModels = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.BackendAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, ct) => Parser.ParseBackend(ctx, ct))
            .WithTrackingName(TrackingNames.BackendModels);

        var backendSpecs = backendModels
            .Select(static (model, _) => model.Spec)
            .WithTrackingName(TrackingNames.BackendSpecs);

        var assemblyName = context.CompilationProvider
            .Select(static (compilation, _) => compilation.AssemblyName ?? string.Empty)
            .WithTrackingName(TrackingNames.AssemblyName);

        var referencedRegistries = context.CompilationProvider
            .Select(static (compilation, ct) => Parser.FindReferencedRegistries(compilation, ct))
            .WithTrackingName(TrackingNames.ReferencedRegistries);

        var registry = policySpecs.Collect()
            .Combine(backendSpecs.Collect())
            .Combine(assemblyName)
            .Combine(referencedRegistries)
            .Select(static (input, _) => Parser.BuildRegistry(input.Left.Left.Left, input.Left.Left.Right, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.Registry);

        var diagnostics = policyModels.Collect()
            .Combine(backendModels.Collect())
            .Combine(strayStages.Collect())
            .Select(static (input, _) => Parser.CollectDiagnostics(input.Left.Left, input.Left.Right, input.Right));

        context.RegisterSourceOutput(policySpecs, static (spc, spec) =>
        {
            if (spec is not null)
            {
                spc.AddSource(spec.HintName, Emitter.EmitPolicy(spec));
            }
        });

        context.RegisterSourceOutput(registry, static (spc, spec) =>
        {
            if (spec is not null)
            {
                spc.AddSource(spec.TypeName + ".g.cs", Emitter.EmitRegistry(spec));
            }
        });

        context.RegisterSourceOutput(diagnostics, static (spc, infos) =>
        {
            foreach (var info in infos)
            {
                spc.ReportDiagnostic(info.ToDiagnostic());
            }
        });
    }
}
