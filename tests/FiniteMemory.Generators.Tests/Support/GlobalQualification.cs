using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>Finds references to namespaces and types that do not start with <c>global::</c>, which a user type of the same name could capture.</summary>
internal static class GlobalQualification
{
    /// <summary>
    /// Each reference in <paramref name="tree"/> to a namespace or type that is not <c>global::</c>-qualified, as
    /// "(line span): name", and how many references were looked at (so a caller can tell "none found" from "none checked").
    /// </summary>
    public static (List<string> Unqualified, int Checked) Check(Compilation compilation, SyntaxTree tree)
    {
        var model = compilation.GetSemanticModel(tree);
        var unqualified = new List<string>();
        var reported = new HashSet<SyntaxNode>();
        var checkedNames = 0;
        foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
        {
            // 'var', the 'global' of 'global::', and the names of namespace declarations are not references.
            if (name.IsVar
                || (name.Parent is AliasQualifiedNameSyntax { Alias: var alias } && alias == name)
                || name.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Any(n => n.Name.Span.Contains(name.Span)))
            {
                continue;
            }

            if (model.GetSymbolInfo(name).Symbol is not INamespaceOrTypeSymbol)
            {
                continue;
            }

            checkedNames++;
            var whole = WholeName(model, name);
            if (!whole.ToString().StartsWith("global::", StringComparison.Ordinal) && reported.Add(whole))
            {
                unqualified.Add($"{whole.GetLocation().GetLineSpan().Span}: {whole}");
            }
        }

        return (unqualified, checkedNames);
    }

    // The outermost namespace-or-type name this identifier is part of: System.String for both System and String.
    private static SyntaxNode WholeName(SemanticModel model, SimpleNameSyntax name)
    {
        SyntaxNode whole = name;
        while (whole.Parent is QualifiedNameSyntax or AliasQualifiedNameSyntax or MemberAccessExpressionSyntax
            && model.GetSymbolInfo(whole.Parent).Symbol is INamespaceOrTypeSymbol)
        {
            whole = whole.Parent;
        }

        return whole;
    }
}
