using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using FiniteMemory.Generators.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FiniteMemory.Generators;

public sealed partial class FiniteMemoryGenerator
{
    /// <summary>Symbols → specs. Nothing here keeps a symbol, node or location past its return.</summary>
    internal static partial class Parser
    {
        private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
            .WithMiscellaneousOptions(SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        private static readonly SymbolDisplayFormat Short = SymbolDisplayFormat.MinimallyQualifiedFormat;

        public static PolicyModel ParsePolicy(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (TypeDeclarationSyntax)context.TargetNode;
            var attribute = context.Attributes[0];
            var compilation = context.SemanticModel.Compilation;
            var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var diagnostics = new List<DiagnosticInfo>();
            var typeName = NestedName(type);

            var name = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
            var nameLocation = LocationInfo.From((SyntaxNode?)attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault() ?? attributeSyntax);
            if (!IsValidName(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidPolicyName, nameLocation, name, typeName));
            }

            string? description = null;
            var budget = 0;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "Description")
                {
                    description = named.Value.Value as string;
                }
                else if (named.Key == "Budget" && named.Value.Value is int value)
                {
                    budget = value;
                    if (value <= 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            Diagnostics.NonPositiveBudget,
                            LocationInfo.From(NamedArgument(attributeSyntax, "Budget")) ?? nameLocation,
                            name,
                            value.ToString(CultureInfo.InvariantCulture)));
                    }
                }
            }

            CheckShape(type, syntax, name, typeName, diagnostics);

            foreach (var member in type.GetMembers())
            {
                if (member.Name is "Name" or "Description" or "BuildAsync" && !member.IsImplicitlyDeclared)
                {
                    var declaration = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
                    var memberLocation = declaration switch
                    {
                        PropertyDeclarationSyntax property => LocationInfo.From(property.Identifier.GetLocation()),
                        MethodDeclarationSyntax method => LocationInfo.From(method.Identifier.GetLocation()),
                        VariableDeclaratorSyntax variable => LocationInfo.From(variable.Identifier.GetLocation()),
                        _ => LocationInfo.From(declaration),
                    };
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.GeneratedMemberClash, memberLocation ?? nameLocation, typeName, member.Name, name));
                }
            }

            var stages = new List<StageNode>();
            ParseStageAttributes(type, compilation, name, typeName, attributeSyntax, stages, diagnostics, cancellationToken);
            var attributeStageCount = stages.Count;
            ParseStageMethods(type, compilation, stages, diagnostics, cancellationToken);
            var ordered = Order(stages, attributeStageCount, name, diagnostics);

            var containing = new List<ContainingTypeSpec>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), Identifier(outer.Name)));
            }

            var spec = diagnostics.Any(d => Diagnostics.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error)
                ? null
                : new PolicySpec(
                    type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(),
                    containing.ToEquatableArray(),
                    Keyword(type),
                    Identifier(type.Name),
                    type.ToDisplayString(FullyQualified),
                    name,
                    description ?? string.Join(" → ", ordered.Select(s => s.Call.Display)),
                    budget,
                    ordered.Select(s => s.Call).ToEquatableArray());

            return new PolicyModel(spec, diagnostics.ToEquatableArray(), name, typeName, nameLocation);
        }

        public static DiagnosticInfo? ParseStrayStage(GeneratorAttributeSyntaxContext context)
        {
            var method = (IMethodSymbol)context.TargetSymbol;
            var owner = method.ContainingType;
            if (owner.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.MemoryPolicyAttribute))
            {
                return null;
            }

            var syntax = (MethodDeclarationSyntax)context.TargetNode;
            return DiagnosticInfo.Create(Diagnostics.StageOutsidePolicy, LocationInfo.From(syntax.Identifier.GetLocation()), method.Name, NestedName(owner));
        }

        public static ImmutableArray<DiagnosticInfo> CollectDiagnostics(
            ImmutableArray<PolicyModel> policies,
            ImmutableArray<BackendModel> backends,
            ImmutableArray<DiagnosticInfo?> strayStages)
        {
            var result = ImmutableArray.CreateBuilder<DiagnosticInfo>();
            foreach (var policy in policies)
            {
                result.AddRange(policy.Diagnostics);
            }

            foreach (var backend in backends)
            {
                result.AddRange(backend.Diagnostics);
            }

            foreach (var stray in strayStages)
            {
                if (stray is not null)
                {
                    result.Add(stray);
                }
            }

            // A duplicate is reported on every declaration after the first, in a stable (file, position) order.
            foreach (var group in policies.Where(p => IsValidName(p.Name)).GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
            {
                var sorted = group.OrderBy(p => p.NameLocation?.FilePath, StringComparer.Ordinal).ThenBy(p => p.NameLocation?.Span.Start).ToList();
                foreach (var duplicate in sorted.Skip(1))
                {
                    result.Add(DiagnosticInfo.Create(Diagnostics.DuplicatePolicyName, duplicate.NameLocation, duplicate.Name, sorted[0].TypeName, duplicate.TypeName));
                }
            }

            foreach (var group in backends.Where(b => IsValidName(b.Name)).GroupBy(b => b.Name, StringComparer.OrdinalIgnoreCase))
            {
                var sorted = group.OrderBy(b => b.NameLocation?.FilePath, StringComparer.Ordinal).ThenBy(b => b.NameLocation?.Span.Start).ToList();
                foreach (var duplicate in sorted.Skip(1))
                {
                    result.Add(DiagnosticInfo.Create(Diagnostics.DuplicateBackendName, duplicate.NameLocation, duplicate.Name, sorted[0].MethodName, duplicate.MethodName));
                }
            }

            return result.ToImmutable();
        }

        public static EquatableArray<string> FindReferencedRegistries(Compilation compilation, CancellationToken cancellationToken)
        {
            var registries = new List<string>();
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Only assemblies built against FiniteMemory.Core can carry a registry; skip the rest without reading their attributes.
                if (assembly.Name != KnownNames.CoreAssembly
                    && !assembly.Modules.Any(m => m.ReferencedAssemblies.Any(r => r.Name == KnownNames.CoreAssembly)))
                {
                    continue;
                }

                foreach (var attribute in assembly.GetAttributes())
                {
                    if (attribute.AttributeClass?.ToDisplayString() == KnownNames.RegistryAttribute
                        && attribute.ConstructorArguments.Length == 1
                        && attribute.ConstructorArguments[0].Value is INamedTypeSymbol registry
                        && compilation.IsSymbolAccessibleWithin(registry, compilation.Assembly))
                    {
                        registries.Add(registry.ToDisplayString(FullyQualified));
                    }
                }
            }

            registries.Sort(StringComparer.Ordinal);
            return registries.ToEquatableArray();
        }

        public static RegistrySpec? BuildRegistry(
            ImmutableArray<PolicySpec?> policies,
            ImmutableArray<BackendSpec?> backends,
            string assemblyName,
            EquatableArray<string> referencedRegistries)
        {
            // A duplicate name is already an error (FM1001 / FM2001); keep one of each so the registry still compiles.
            var ownPolicies = policies.Where(p => p is not null).Select(p => p!)
                .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.OrderBy(p => p.FullyQualifiedName, StringComparer.Ordinal).First())
                .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToEquatableArray();
            // Table factories follow the named ones; their names are known only when the table is read.
            var ownBackends = backends.Where(b => b is { IsTable: false }).Select(b => b!)
                .GroupBy(b => b.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.OrderBy(b => b.ContainingType + "." + b.Method, StringComparer.Ordinal).First())
                .OrderBy(b => b.Name, StringComparer.OrdinalIgnoreCase)
                .Concat(backends.Where(b => b is { IsTable: true }).Select(b => b!).OrderBy(b => b.Table, StringComparer.Ordinal).ThenBy(b => b.Method, StringComparer.Ordinal))
                .ToEquatableArray();

            // FiniteMemory.Core's own registry runs whenever the central registries are touched, so an assembly
            // that declares nothing and references no other registry needs none.
            var others = referencedRegistries.Where(r => !r.EndsWith("." + RegistryTypeName(KnownNames.CoreAssembly), StringComparison.Ordinal)).ToList();
            if (ownPolicies.Count == 0 && ownBackends.Count == 0 && others.Count == 0)
            {
                return null;
            }

            return new RegistrySpec(assemblyName, RegistryTypeName(assemblyName), ownPolicies, ownBackends, referencedRegistries);
        }

        /// <summary>The registry's class name: the assembly name without separators, plus <c>Registry</c>.</summary>
        public static string RegistryTypeName(string assemblyName)
        {
            var chars = assemblyName.Where(c => char.IsLetterOrDigit(c) || c == '_').ToArray();
            var name = new string(chars);
            return (name.Length == 0 || char.IsDigit(name[0]) ? "_" + name : name) + "Registry";
        }

        internal static bool IsValidName(string name) =>
            name.Length > 0
            && char.IsLetterOrDigit(name[0])
            && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.');

        private static void CheckShape(INamedTypeSymbol type, TypeDeclarationSyntax syntax, string name, string typeName, List<DiagnosticInfo> diagnostics)
        {
            var identifier = LocationInfo.From(syntax.Identifier.GetLocation());
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.PolicyNotPartial, identifier, typeName, name));
            }

            foreach (var outer in syntax.Ancestors().OfType<TypeDeclarationSyntax>())
            {
                if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.PolicyNotPartial, LocationInfo.From(outer.Identifier.GetLocation()), outer.Identifier.ValueText, name));
                }
            }

            string? shape = null;
            if (type.IsFileLocal)
            {
                shape = "file-local";
            }
            else if (!IsVisibleToAssembly(type))
            {
                shape = "private or protected (or nested in such a type)";
            }
            else if (type.IsStatic)
            {
                shape = "static";
            }
            else if (type.IsAbstract)
            {
                shape = "abstract";
            }
            else if (IsGenericOrInGeneric(type))
            {
                shape = "generic";
            }

            else if (HasRequiredMembers(type))
            {
                shape = "declaring required members";
            }

            if (shape is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.PolicyShape, identifier, typeName, shape));
            }
            else if (!HasParameterlessConstructor(type))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NoParameterlessConstructor, identifier, typeName));
            }
        }

        /// <summary>Whether <c>new T()</c> compiles from elsewhere in the assembly: a constructor callable without arguments.</summary>
        internal static bool HasParameterlessConstructor(INamedTypeSymbol type) =>
            type.InstanceConstructors.Any(c => c.Parameters.All(p => p.IsOptional || p.IsParams)
                && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal);

        /// <summary>Whether the type or a base declares <c>required</c> members, which <c>new T()</c> would have to set.</summary>
        internal static bool HasRequiredMembers(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether code elsewhere in the assembly can name the type (it and its containers are public or internal).</summary>
        internal static bool IsVisibleToAssembly(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsGenericOrInGeneric(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.TypeParameters.Length > 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static string NestedName(INamedTypeSymbol type)
        {
            var name = type.Name;
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.Name + "." + name;
            }

            return name;
        }

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };

        private static AttributeArgumentSyntax? NamedArgument(AttributeSyntax? attribute, string name) =>
            attribute?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

        private static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.AwaitKeyword
                ? "@" + name
                : name;

        private static bool IsType(ITypeSymbol? type, string metadataName) =>
            type is not null && type.ToDisplayString() == metadataName;

        private static bool IsCancellationToken(ITypeSymbol type) => IsType(type, "System.Threading.CancellationToken");

        private static bool IsAwaitable(ITypeSymbol type)
        {
            var original = type.OriginalDefinition.ToDisplayString();
            return original is "System.Threading.Tasks.ValueTask" or "System.Threading.Tasks.Task"
                or "System.Threading.Tasks.ValueTask<TResult>" or "System.Threading.Tasks.Task<TResult>";
        }
    }
}
