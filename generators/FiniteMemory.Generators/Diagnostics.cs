using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace FiniteMemory.Generators;

/// <summary>The generator's diagnostics: FM1xxx for policies, FM2xxx for backends. Each message names the symbol at fault and the fix.</summary>
internal static class Diagnostics
{
    private const string Policies = "FiniteMemory.Policies";
    private const string Backends = "FiniteMemory.Backends";

    public static readonly DiagnosticDescriptor DuplicatePolicyName = Error(
        "FM1001",
        Policies,
        "Duplicate policy name",
        "Policy name '{0}' is declared by both '{1}' and '{2}'; names must be unique (case-insensitive). Rename one of the policies.");

    public static readonly DiagnosticDescriptor PolicyNotPartial = Error(
        "FM1002",
        Policies,
        "Policy class is not partial",
        "'{0}' must be partial so the generator can add the IMemoryPolicy implementation of policy '{1}'. Declare it 'partial'.");

    public static readonly DiagnosticDescriptor NonPositiveBudget = Error(
        "FM1003",
        Policies,
        "Policy budget is not positive",
        "Policy '{0}' declares Budget = {1}, but a budget is a number of tokens and must be positive. Set Budget above 0 or remove it.");

    public static readonly DiagnosticDescriptor MissingService = Error(
        "FM1004",
        Policies,
        "A stage needs a service no declaration provides",
        "Stage '{0}' of policy '{1}' needs a '{2}' for its parameter '{3}', and '{4}' has no field or property of that type. Add one, e.g. 'private readonly {2} {3} = ...;'.");

    public static readonly DiagnosticDescriptor InvalidStageMethod = Error(
        "FM1005",
        Policies,
        "A [Stage] method has the wrong signature",
        "Stage method '{0}' {1}. A stage method takes (MemoryFrame frame) or (MemoryFrame frame, CancellationToken cancellationToken), returns void, ValueTask or Task, and is not generic.");

    public static readonly DiagnosticDescriptor UnknownStage = Error(
        "FM1006",
        Policies,
        "A stage ordering names an unknown stage",
        "Stage method '{0}' says {1} = \"{2}\", but policy '{3}' has no stage of that name. Its stages are: {4}.");

    public static readonly DiagnosticDescriptor StageCycle = Error(
        "FM1007",
        Policies,
        "The stage ordering forms a cycle",
        "The After/Before orderings of policy '{0}' form a cycle: {1}. Remove one of these orderings.");

    public static readonly DiagnosticDescriptor PolicyShape = Error(
        "FM1008",
        Policies,
        "Policy class cannot be instantiated",
        "Policy class '{0}' is {1}, but the registry creates each policy with 'new {0}()'. Make it a non-generic, non-abstract, non-static, non-file class its assembly can see, without required members.");

    public static readonly DiagnosticDescriptor NoParameterlessConstructor = Error(
        "FM1009",
        Policies,
        "Policy class has no parameterless constructor",
        "Policy class '{0}' has no parameterless constructor the registry can call ('new {0}()'). Add one; it may be internal.");

    public static readonly DiagnosticDescriptor InvalidStageAttribute = Error(
        "FM1010",
        Policies,
        "A stage attribute cannot be bound to its implementation",
        "Stage '{0}' of policy '{1}' cannot be generated: {2}");

    public static readonly DiagnosticDescriptor InvalidPolicyName = Error(
        "FM1011",
        Policies,
        "Invalid policy name",
        "Policy name '{0}' on '{1}' is not valid. Use letters, digits, '_', '-' and '.', starting with a letter or digit.");

    public static readonly DiagnosticDescriptor AmbiguousService = Error(
        "FM1012",
        Policies,
        "Several members could provide a stage's service",
        "Stage '{0}' of policy '{1}' needs a '{2}' for its parameter '{3}', and several members could provide it: {4}. Name the one to use '{3}'.");

    public static readonly DiagnosticDescriptor StageOutsidePolicy = new(
        "FM1013",
        "[Stage] method outside a [MemoryPolicy] class",
        "Method '{0}' is marked [Stage], but '{1}' has no [MemoryPolicy] attribute, so the stage never runs. Add [MemoryPolicy(\"...\")] to '{1}' or remove [Stage].",
        Policies,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GeneratedMemberClash = Error(
        "FM1014",
        Policies,
        "A policy class declares a member the generator writes",
        "Policy class '{0}' declares '{1}', which the generator writes to implement IMemoryPolicy for policy '{2}'. Rename or remove it (set the name and description on [MemoryPolicy]).");

    public static readonly DiagnosticDescriptor DuplicateBackendName = Error(
        "FM2001",
        Backends,
        "Duplicate backend name",
        "Backend name '{0}' is declared by both '{1}' and '{2}'; names must be unique (case-insensitive). Rename one of the backends.");

    public static readonly DiagnosticDescriptor InvalidBackendFactory = Error(
        "FM2002",
        Backends,
        "Backend factory has the wrong signature",
        "Backend factory '{0}' {1}. A backend factory is a static, non-generic method returning IChatClient that takes nothing, a BackendSettings, or a settings class with a parameterless constructor.");

    public static readonly DiagnosticDescriptor UnbindableSetting = Error(
        "FM2003",
        Backends,
        "A settings property cannot be bound",
        "Property '{0}' of settings class '{1}' has type '{2}', which backend '{3}' cannot bind from configuration. {4}");

    public static readonly DiagnosticDescriptor DuplicateOptionKey = Error(
        "FM2005",
        Backends,
        "Two settings properties share an option key",
        "Properties '{0}' and '{1}' of settings class '{2}' are both set by option '{3}' (keys ignore case, '-' and '_'). Rename one of them.");

    public static readonly DiagnosticDescriptor InvalidBackendName = Error(
        "FM2004",
        Backends,
        "Invalid backend name",
        "Backend name '{0}' on '{1}' is not valid. Use letters, digits, '_', '-' and '.', starting with a letter or digit.");

    public static readonly DiagnosticDescriptor InvalidBackendTable = Error(
        "FM2006",
        Backends,
        "A backend table cannot be registered",
        "Backend factory '{0}' {1}. A table factory has [Backend(Table = nameof(Member))] without a name or description, where Member is a static property or field of its type whose type is an IEnumerable<BackendEntry>, and takes the backend's name (a string) before its settings.");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = new[]
    {
        DuplicatePolicyName, PolicyNotPartial, NonPositiveBudget, MissingService, InvalidStageMethod, UnknownStage,
        StageCycle, PolicyShape, NoParameterlessConstructor, InvalidStageAttribute, InvalidPolicyName, AmbiguousService,
        StageOutsidePolicy, GeneratedMemberClash, DuplicateBackendName, InvalidBackendFactory, UnbindableSetting, InvalidBackendName, DuplicateOptionKey,
        InvalidBackendTable,
    }.ToDictionary(d => d.Id);

    public static IEnumerable<DiagnosticDescriptor> Descriptors => All.Values;

    public static DiagnosticDescriptor ById(string id) => All[id];

    private static DiagnosticDescriptor Error(string id, string category, string title, string message) =>
        new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
