using System;
using System.Collections.Generic;
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
    internal static partial class Parser
    {
        /// <summary>A stage while the pipeline is being put in order (parser-local; never cached).</summary>
        private sealed class StageNode
        {
            public StageNode(StageCallSpec call, int index)
            {
                Call = call;
                Index = index;
            }

            public StageCallSpec Call { get; }

            public int Index { get; }

            public string Name => Call.Name;

            public string? After { get; set; }

            public string? Before { get; set; }

            public LocationInfo? AfterLocation { get; set; }

            public LocationInfo? BeforeLocation { get; set; }

            public LocationInfo? Location { get; set; }
        }

        private static void ParseStageAttributes(
            INamedTypeSymbol type,
            Compilation compilation,
            string policyName,
            string typeName,
            AttributeSyntax? policySyntax,
            List<StageNode> stages,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            foreach (var attribute in type.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (attribute.AttributeClass is not { } attributeClass || !TryGetImplementation(attributeClass, out var implementationType, out var methodName))
                {
                    continue;
                }

                var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
                var location = LocationInfo.From(syntax) ?? LocationInfo.From(policySyntax);
                var stageName = attributeClass.Name.EndsWith("Attribute", StringComparison.Ordinal)
                    ? attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length)
                    : attributeClass.Name;

                // The attribute's arguments by the name the implementation's parameters are matched against.
                var arguments = new List<(string Name, TypedConstant Value, bool Positional)>();
                if (attribute.AttributeConstructor is { } constructor)
                {
                    for (var i = 0; i < attribute.ConstructorArguments.Length && i < constructor.Parameters.Length; i++)
                    {
                        arguments.Add((constructor.Parameters[i].Name, attribute.ConstructorArguments[i], true));
                    }
                }

                arguments.AddRange(attribute.NamedArguments.Select(n => (n.Key, n.Value, false)));

                var display = new List<string>();
                string? error = null;
                foreach (var (name, value, positional) in arguments)
                {
                    if (!TryFormatConstant(value, out _))
                    {
                        error ??= $"argument '{name}' is an array or of a type a generated call cannot pass as a constant.";
                        continue;
                    }

                    var shown = DisplayConstant(value);
                    display.Add(positional ? shown : name + " = " + shown);
                }

                var stageDisplay = display.Count == 0 ? stageName : stageName + "(" + string.Join(", ", display) + ")";
                if (error is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidStageAttribute, location, stageName, policyName, error));
                    continue;
                }

                var implementationName = implementationType.ToDisplayString(Short) + "." + methodName;
                var candidates = implementationType.GetMembers(methodName).OfType<IMethodSymbol>()
                    .Where(m => m.IsStatic && m.MethodKind == MethodKind.Ordinary && !m.IsGenericMethod)
                    .ToList();
                if (candidates.Count == 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        Diagnostics.InvalidStageAttribute,
                        location,
                        stageName,
                        policyName,
                        $"its [StageImplementation] names '{implementationName}', which is not a static, non-generic method. Point it at a public static method taking a MemoryFrame."));
                    continue;
                }

                var accessible = candidates.Where(m => compilation.IsSymbolAccessibleWithin(m, type)).ToList();
                if (accessible.Count == 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        Diagnostics.InvalidStageAttribute,
                        location,
                        stageName,
                        policyName,
                        $"its implementation '{implementationName}' is not accessible from '{typeName}'. Make it public."));
                    continue;
                }

                // The first overload that binds wins; when none does, report what went wrong with the first.
                StageCallSpec? call = null;
                List<DiagnosticInfo>? firstErrors = null;
                foreach (var method in accessible)
                {
                    var errors = new List<DiagnosticInfo>();
                    var bound = BindImplementation(method, implementationType, stageName, stageDisplay, arguments, type, compilation, policyName, typeName, location, errors);
                    if (bound is not null && errors.Count == 0)
                    {
                        call = bound;
                        break;
                    }

                    firstErrors ??= errors;
                }

                if (call is null)
                {
                    diagnostics.AddRange(firstErrors!);
                    continue;
                }

                stages.Add(new StageNode(call, stages.Count) { Location = location });
            }
        }

        private static StageCallSpec? BindImplementation(
            IMethodSymbol method,
            INamedTypeSymbol implementationType,
            string stageName,
            string stageDisplay,
            List<(string Name, TypedConstant Value, bool Positional)> arguments,
            INamedTypeSymbol policyType,
            Compilation compilation,
            string policyName,
            string typeName,
            LocationInfo? location,
            List<DiagnosticInfo> errors)
        {
            var implementationName = implementationType.ToDisplayString(Short) + "." + method.Name;
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var bound = new List<ArgumentSpec>();
            var byName = false;
            var hasFrame = false;

            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind is RefKind.Ref or RefKind.Out)
                {
                    errors.Add(DiagnosticInfo.Create(Diagnostics.InvalidStageAttribute, location, stageName, policyName, $"parameter '{parameter.Name}' of '{implementationName}' is ref or out; stage parameters are passed by value."));
                    return null;
                }

                string? expression = null;
                if (IsType(parameter.Type, KnownNames.MemoryFrame))
                {
                    expression = "frame";
                    hasFrame = true;
                }
                else if (IsCancellationToken(parameter.Type))
                {
                    expression = "cancellationToken";
                }
                else if (arguments.FirstOrDefault(a => string.Equals(a.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } argument)
                {
                    used.Add(argument.Name);
                    var constantType = argument.Value.Type;
                    if (constantType is not null && !compilation.ClassifyCommonConversion(constantType, parameter.Type).IsImplicit)
                    {
                        errors.Add(DiagnosticInfo.Create(
                            Diagnostics.InvalidStageAttribute,
                            location,
                            stageName,
                            policyName,
                            $"argument '{argument.Name}' is a '{constantType.ToDisplayString(Short)}', but parameter '{parameter.Name}' of '{implementationName}' is a '{parameter.Type.ToDisplayString(Short)}'. Make the types agree."));
                        return null;
                    }

                    TryFormatConstant(argument.Value, out expression);
                    bound.Add(new ArgumentSpec(Identifier(parameter.Name), expression));
                    continue;
                }
                else if (parameter.IsOptional || parameter.IsParams)
                {
                    byName = true;
                    continue;
                }
                else
                {
                    expression = FindService(policyType, compilation, parameter, stageName, policyName, typeName, location, errors);
                    if (expression is null)
                    {
                        return null;
                    }

                    bound.Add(new ArgumentSpec(Identifier(parameter.Name), expression));
                    continue;
                }

                bound.Add(new ArgumentSpec(byName ? Identifier(parameter.Name) : null, expression!));
            }

            if (!hasFrame)
            {
                errors.Add(DiagnosticInfo.Create(Diagnostics.InvalidStageAttribute, location, stageName, policyName, $"its implementation '{implementationName}' takes no MemoryFrame. A stage works on the frame: add a MemoryFrame parameter."));
                return null;
            }

            foreach (var (name, _, _) in arguments)
            {
                if (!used.Contains(name))
                {
                    errors.Add(DiagnosticInfo.Create(
                        Diagnostics.InvalidStageAttribute,
                        location,
                        stageName,
                        policyName,
                        $"argument '{name}' has no parameter of that name in '{implementationName}({string.Join(", ", method.Parameters.Select(p => p.Name))})'. Rename the attribute's property or the method's parameter so they match."));
                    return null;
                }
            }

            return new StageCallSpec(
                stageName,
                stageDisplay,
                implementationType.ToDisplayString(FullyQualified),
                method.Name,
                bound.ToEquatableArray(),
                IsAwaitable(method.ReturnType) ? StageReturn.Awaitable : StageReturn.Sync);
        }

        private static string? FindService(
            INamedTypeSymbol policyType,
            Compilation compilation,
            IParameterSymbol parameter,
            string stageName,
            string policyName,
            string typeName,
            LocationInfo? location,
            List<DiagnosticInfo> errors)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var providers = new List<ISymbol>();
            for (var current = policyType; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    var memberType = member switch
                    {
                        IFieldSymbol { IsImplicitlyDeclared: false } field => field.Type,
                        IPropertySymbol { IsIndexer: false, GetMethod: not null } property => property.Type,
                        _ => null,
                    };

                    if (memberType is null || !seen.Add(member.Name) || !compilation.IsSymbolAccessibleWithin(member, policyType))
                    {
                        continue;
                    }

                    if (compilation.ClassifyCommonConversion(memberType, parameter.Type).IsImplicit)
                    {
                        providers.Add(member);
                    }
                }
            }

            var parameterType = parameter.Type.ToDisplayString(Short);
            if (providers.Count == 0)
            {
                errors.Add(DiagnosticInfo.Create(Diagnostics.MissingService, location, stageName, policyName, parameterType, parameter.Name, typeName));
                return null;
            }

            var chosen = providers.Count == 1
                ? providers[0]
                : providers.FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
            if (chosen is null)
            {
                errors.Add(DiagnosticInfo.Create(
                    Diagnostics.AmbiguousService,
                    location,
                    stageName,
                    policyName,
                    parameterType,
                    parameter.Name,
                    string.Join(", ", providers.Select(p => "'" + p.Name + "'"))));
                return null;
            }

            return chosen.IsStatic
                ? chosen.ContainingType.ToDisplayString(FullyQualified) + "." + Identifier(chosen.Name)
                : "this." + Identifier(chosen.Name);
        }

        private static void ParseStageMethods(INamedTypeSymbol type, Compilation compilation, List<StageNode> stages, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.StageAttribute);
                if (attribute is null)
                {
                    continue;
                }

                var syntax = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
                var location = LocationInfo.From(syntax?.Identifier.GetLocation());
                var problem = StageMethodProblem(method);
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidStageMethod, location, method.Name, problem));
                    continue;
                }

                var arguments = new List<ArgumentSpec> { new(null, "frame") };
                if (method.Parameters.Length == 2)
                {
                    arguments.Add(new ArgumentSpec(null, "cancellationToken"));
                }

                var target = method.IsStatic ? type.ToDisplayString(FullyQualified) : "this";
                var call = new StageCallSpec(
                    method.Name,
                    method.Name + "()",
                    target,
                    Identifier(method.Name),
                    arguments.ToEquatableArray(),
                    method.ReturnsVoid ? StageReturn.Sync : StageReturn.Awaitable);

                var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
                var node = new StageNode(call, stages.Count) { Location = location };
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "After" && named.Value.Value is string after)
                    {
                        node.After = after;
                        node.AfterLocation = LocationInfo.From(NamedArgument(attributeSyntax, "After")) ?? location;
                    }
                    else if (named.Key == "Before" && named.Value.Value is string before)
                    {
                        node.Before = before;
                        node.BeforeLocation = LocationInfo.From(NamedArgument(attributeSyntax, "Before")) ?? location;
                    }
                }

                stages.Add(node);
            }
        }

        private static string? StageMethodProblem(IMethodSymbol method)
        {
            if (method.IsGenericMethod)
            {
                return "is generic";
            }

            if (method.MethodKind != MethodKind.Ordinary)
            {
                return "is not an ordinary method";
            }

            var returns = method.ReturnType.ToDisplayString();
            if (!method.ReturnsVoid && returns is not ("System.Threading.Tasks.ValueTask" or "System.Threading.Tasks.Task"))
            {
                return $"returns '{method.ReturnType.ToDisplayString(Short)}'";
            }

            var parameters = method.Parameters;
            var shapeOk = parameters.Length is 1 or 2
                && IsType(parameters[0].Type, KnownNames.MemoryFrame)
                && (parameters.Length == 1 || IsCancellationToken(parameters[1].Type))
                && parameters.All(p => p.RefKind == RefKind.None);
            return shapeOk
                ? null
                : $"takes ({string.Join(", ", parameters.Select(p => (p.RefKind == RefKind.None ? string.Empty : p.RefKind.ToString().ToLowerInvariant() + " ") + p.Type.ToDisplayString(Short)))})";
        }

        private static bool TryGetImplementation(INamedTypeSymbol attributeClass, out INamedTypeSymbol implementationType, out string methodName)
        {
            for (var current = attributeClass; current is not null; current = current.BaseType)
            {
                foreach (var meta in current.GetAttributes())
                {
                    if (meta.AttributeClass?.ToDisplayString() == KnownNames.StageImplementationAttribute
                        && meta.ConstructorArguments.Length == 2
                        && meta.ConstructorArguments[0].Value is INamedTypeSymbol type
                        && meta.ConstructorArguments[1].Value is string method)
                    {
                        implementationType = type;
                        methodName = method;
                        return true;
                    }
                }
            }

            implementationType = null!;
            methodName = null!;
            return false;
        }

        /// <summary>A constant as C# source that has the constant's own type (suffixes and casts included).</summary>
        internal static bool TryFormatConstant(TypedConstant constant, out string literal)
        {
            literal = string.Empty;
            switch (constant.Kind)
            {
                case TypedConstantKind.Enum:
                    literal = "(" + constant.Type!.ToDisplayString(FullyQualified) + ")(" + Convert.ToString(constant.Value, CultureInfo.InvariantCulture) + ")";
                    return true;
                case TypedConstantKind.Type:
                    literal = constant.Value is ITypeSymbol t ? "typeof(" + t.ToDisplayString(FullyQualified) + ")" : "null";
                    return true;
                case TypedConstantKind.Primitive:
                    literal = constant.Value switch
                    {
                        null => "null",
                        string s => SymbolDisplay.FormatLiteral(s, quote: true),
                        char c => SymbolDisplay.FormatLiteral(c, quote: true),
                        bool b => b ? "true" : "false",
                        int i => i.ToString(CultureInfo.InvariantCulture),
                        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
                        uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
                        ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
                        short sh => "(short)" + sh.ToString(CultureInfo.InvariantCulture),
                        ushort us => "(ushort)" + us.ToString(CultureInfo.InvariantCulture),
                        byte by => "(byte)" + by.ToString(CultureInfo.InvariantCulture),
                        sbyte sb => "(sbyte)" + sb.ToString(CultureInfo.InvariantCulture),
                        double d => FormatDouble(d),
                        float f => FormatSingle(f),
                        decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
                        _ => string.Empty,
                    };
                    return literal.Length > 0;
                default:
                    return false;
            }
        }

        /// <summary>A constant as a person reads it in a listing: no suffixes or casts (<c>0.5</c>, <c>Mode.Fast</c>).</summary>
        internal static string DisplayConstant(TypedConstant constant)
        {
            switch (constant.Kind)
            {
                case TypedConstantKind.Enum:
                    var member = constant.Type!.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, constant.Value));
                    return member is null
                        ? Convert.ToString(constant.Value, CultureInfo.InvariantCulture) ?? string.Empty
                        : constant.Type.Name + "." + member.Name;
                case TypedConstantKind.Primitive when constant.Value is double or float or decimal or long or ulong or uint or short or ushort or byte or sbyte:
                    return Convert.ToString(constant.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                default:
                    return TryFormatConstant(constant, out var literal) ? literal : string.Empty;
            }
        }

        private static string FormatDouble(double d) =>
            double.IsNaN(d) ? "double.NaN"
            : double.IsPositiveInfinity(d) ? "double.PositiveInfinity"
            : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
            : d.ToString("R", CultureInfo.InvariantCulture) + "D";

        private static string FormatSingle(float f) =>
            float.IsNaN(f) ? "float.NaN"
            : float.IsPositiveInfinity(f) ? "float.PositiveInfinity"
            : float.IsNegativeInfinity(f) ? "float.NegativeInfinity"
            : f.ToString("R", CultureInfo.InvariantCulture) + "F";
    }
}
