using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FiniteMemory.Generators.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FiniteMemory.Generators;

public sealed partial class FiniteMemoryGenerator
{
    internal static partial class Parser
    {
        private const string SupportedTypes = "Supported types are string, bool, int, long, double, float, decimal, Uri, TimeSpan, enums and their nullable forms; make the property get-only or init-only to leave it out of binding.";

        public static BackendModel ParseBackend(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var method = (IMethodSymbol)context.TargetSymbol;
            var syntax = (MethodDeclarationSyntax)context.TargetNode;
            var attribute = context.Attributes[0];
            var compilation = context.SemanticModel.Compilation;
            var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var diagnostics = new List<DiagnosticInfo>();
            var methodName = NestedName(method.ContainingType) + "." + method.Name;
            var identifier = LocationInfo.From(syntax.Identifier.GetLocation());

            var name = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
            var nameLocation = LocationInfo.From((SyntaxNode?)attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault() ?? attributeSyntax);
            var description = attribute.NamedArguments.FirstOrDefault(n => n.Key == "Description").Value.Value as string;
            var tableName = attribute.NamedArguments.FirstOrDefault(n => n.Key == "Table").Value.Value as string;
            var table = string.Empty;
            if (tableName is not null)
            {
                var tableProblem = TableProblem(method, compilation, name, description, tableName, out table);
                if (tableProblem is not null)
                {
                    var at = tableProblem.OnFactory ? identifier : LocationInfo.From(NamedArgument(attributeSyntax, "Table")) ?? nameLocation;
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidBackendTable, at, methodName, tableProblem.Text));
                }
            }
            else if (!IsValidName(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidBackendName, nameLocation, name, methodName));
            }

            // A table factory takes the name it is created under first; the settings come after it.
            var first = tableName is null ? 0 : 1;
            var problem = FactoryProblem(method, compilation, first);
            var parameter = FactoryParameter.None;
            var settingsType = string.Empty;
            var settings = new List<SettingSpec>();
            if (problem is null && method.Parameters.Length == first + 1)
            {
                var type = method.Parameters[first].Type;
                if (IsType(type, KnownNames.BackendSettings))
                {
                    parameter = FactoryParameter.BackendSettings;
                }
                else if (type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false, IsStatic: false, IsFileLocal: false } custom
                    && IsVisibleToAssembly(custom)
                    && HasParameterlessConstructor(custom)
                    && !HasRequiredMembers(custom))
                {
                    parameter = FactoryParameter.Custom;
                    settingsType = custom.ToDisplayString(FullyQualified);
                    BindSettings(custom, compilation, tableName ?? name, syntax.ParameterList.Parameters[first], settings, diagnostics, cancellationToken);
                }
                else
                {
                    problem = $"takes a '{type.ToDisplayString(Short)}', which is neither BackendSettings nor a non-abstract class the registry can create with 'new' (visible to the assembly, a parameterless constructor, no required members)";
                }
            }

            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidBackendFactory, identifier, methodName, problem));
            }

            var spec = diagnostics.Count > 0
                ? null
                : new BackendSpec(name, description ?? string.Empty, method.ContainingType.ToDisplayString(FullyQualified), Identifier(method.Name), parameter, settingsType, settings.ToEquatableArray(), table);
            return new BackendModel(spec, diagnostics.ToEquatableArray(), tableName is null ? name : string.Empty, methodName, nameLocation);
        }

        /// <summary>What is wrong with a table factory's declaration, and whether to report it on the factory rather than on <c>Table</c>.</summary>
        private sealed record TableError(string Text, bool OnFactory);

        private static TableError? TableProblem(IMethodSymbol method, Compilation compilation, string name, string? description, string tableName, out string table)
        {
            table = string.Empty;
            if (name.Length > 0)
            {
                return new($"names backend '{name}' and also a Table; give the one name or the table, not both", false);
            }

            if (description is not null)
            {
                return new("sets a Description, but a table's entries carry their own; remove it", false);
            }

            var owner = method.ContainingType;
            var member = owner.GetMembers(tableName).FirstOrDefault(m => m is IPropertySymbol { IsIndexer: false } or IFieldSymbol);
            if (member is null)
            {
                return new($"names Table '{tableName}', but '{NestedName(owner)}' has no property or field of that name", false);
            }

            if (!member.IsStatic)
            {
                return new($"names Table '{tableName}', which is not static", false);
            }

            var readable = member is IFieldSymbol || member is IPropertySymbol { GetMethod: { } getter } && compilation.IsSymbolAccessibleWithin(getter, compilation.Assembly);
            if (!readable || !compilation.IsSymbolAccessibleWithin(member, compilation.Assembly))
            {
                return new($"names Table '{tableName}', which the generated registry cannot read; make it internal or public", false);
            }

            var memberType = member is IPropertySymbol property ? property.Type : ((IFieldSymbol)member).Type;
            var entry = compilation.GetTypeByMetadataName(KnownNames.BackendEntry);
            var enumerable = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
            if (entry is null || !compilation.ClassifyCommonConversion(memberType, enumerable.Construct(entry)).IsImplicit)
            {
                return new($"names Table '{tableName}', whose type '{memberType.ToDisplayString(Short)}' is not an IEnumerable<BackendEntry>", false);
            }

            if (method.Parameters.Length == 0 || method.Parameters[0].Type.SpecialType != SpecialType.System_String || method.Parameters[0].RefKind != RefKind.None)
            {
                return new("does not take the backend's name (a string) as its first parameter, which a table factory needs to know which entry it creates", true);
            }

            table = owner.ToDisplayString(FullyQualified) + "." + Identifier(member.Name);
            return null;
        }

        private static string? FactoryProblem(IMethodSymbol method, Compilation compilation, int first)
        {
            if (!method.IsStatic)
            {
                return "is not static";
            }

            if (method.IsGenericMethod || IsGenericOrInGeneric(method.ContainingType))
            {
                return "is generic or declared in a generic type";
            }

            if (!compilation.IsSymbolAccessibleWithin(method, compilation.Assembly))
            {
                return "is private, so the generated registry cannot call it; make it internal or public";
            }

            var chatClient = compilation.GetTypeByMetadataName(KnownNames.ChatClient);
            if (chatClient is null || !compilation.ClassifyCommonConversion(method.ReturnType, chatClient).IsImplicit)
            {
                return $"returns '{method.ReturnType.ToDisplayString(Short)}', which is not an IChatClient";
            }

            if (method.Parameters.Length > first + 1)
            {
                return $"takes {method.Parameters.Length} parameters";
            }

            if (method.Parameters.Length == first + 1 && method.Parameters[first].RefKind != RefKind.None)
            {
                return "takes its settings by reference";
            }

            return null;
        }

        private static void BindSettings(
            INamedTypeSymbol type,
            Compilation compilation,
            string backend,
            ParameterSyntax parameterSyntax,
            List<SettingSpec> settings,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (property.IsStatic || property.IsIndexer || !seen.Add(property.Name)
                        || property.SetMethod is not { IsInitOnly: false } setter
                        || !compilation.IsSymbolAccessibleWithin(setter, compilation.Assembly)
                        || property.DeclaredAccessibility != Accessibility.Public)
                    {
                        continue;
                    }

                    var (source, parser, hint) = Classify(property);
                    if (parser is null)
                    {
                        var location = property.DeclaringSyntaxReferences.Length > 0
                            ? LocationInfo.From(property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is PropertyDeclarationSyntax p ? p.Identifier.GetLocation() : null)
                            : null;
                        diagnostics.Add(DiagnosticInfo.Create(
                            Diagnostics.UnbindableSetting,
                            location ?? LocationInfo.From(parameterSyntax),
                            property.Name,
                            NestedName(type),
                            property.Type.ToDisplayString(Short),
                            backend,
                            hint));
                        continue;
                    }

                    settings.Add(new SettingSpec(Identifier(property.Name), NormalizeKey(property.Name), source, parser));
                }
            }

            settings.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            for (var i = settings.Count - 1; i > 0; i--)
            {
                if (settings[i].Source == SettingSource.Option && settings[i - 1].Source == SettingSource.Option && settings[i].Key == settings[i - 1].Key)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        Diagnostics.DuplicateOptionKey,
                        LocationInfo.From(parameterSyntax),
                        settings[i - 1].Property.TrimStart('@'),
                        settings[i].Property.TrimStart('@'),
                        NestedName(type),
                        settings[i].Key));
                    settings.RemoveAt(i);
                }
            }
        }

        private static (SettingSource Source, string? Parser, string Hint) Classify(IPropertySymbol property)
        {
            var type = property.Type;
            var display = type.ToDisplayString();
            switch (property.Name)
            {
                case "Model":
                    return display is "string" or "string?" ? (SettingSource.Model, string.Empty, string.Empty) : (SettingSource.Model, null, "'Model' receives BackendSettings.Model and must be a string.");
                case "ApiKey":
                    return display is "string" or "string?" ? (SettingSource.ApiKey, string.Empty, string.Empty) : (SettingSource.ApiKey, null, "'ApiKey' receives BackendSettings.ApiKey and must be a string.");
                case "Endpoint":
                    return display switch
                    {
                        "System.Uri" or "System.Uri?" => (SettingSource.EndpointUri, string.Empty, string.Empty),
                        "string" or "string?" => (SettingSource.EndpointString, string.Empty, string.Empty),
                        _ => (SettingSource.EndpointUri, null, "'Endpoint' receives BackendSettings.Endpoint and must be a Uri or a string."),
                    };
                case "Timeout":
                    return display is "System.TimeSpan" or "System.TimeSpan?"
                        ? (SettingSource.Timeout, string.Empty, string.Empty)
                        : (SettingSource.Timeout, null, "'Timeout' receives BackendSettings.Timeout and must be a TimeSpan.");
            }

            var underlying = (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                ? nullable.TypeArguments[0]
                : type).WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            var parser = underlying.SpecialType switch
            {
                SpecialType.System_String => "ParseString",
                SpecialType.System_Boolean => "ParseBoolean",
                SpecialType.System_Int32 => "ParseInt32",
                SpecialType.System_Int64 => "ParseInt64",
                SpecialType.System_Double => "ParseDouble",
                SpecialType.System_Single => "ParseSingle",
                SpecialType.System_Decimal => "ParseDecimal",
                _ => null,
            };
            parser ??= underlying.ToDisplayString() switch
            {
                "System.TimeSpan" => "ParseTimeSpan",
                "System.Uri" => "ParseUri",
                _ => underlying.TypeKind == TypeKind.Enum ? "ParseEnum<" + underlying.ToDisplayString(FullyQualified) + ">" : null,
            };
            return (SettingSource.Option, parser, SupportedTypes);
        }

        private static string NormalizeKey(string name) =>
            new(name.Where(c => c is not ('-' or '_' or ' ')).Select(char.ToLowerInvariant).ToArray());
    }
}
