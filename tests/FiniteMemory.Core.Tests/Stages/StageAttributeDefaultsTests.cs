using System.Globalization;
using System.Collections;
using System.Reflection;
using System.Xml.Linq;
using System.Xml.XPath;
using FiniteMemory.Policies;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Stages;

// A stage attribute's properties mirror its stage method's optional parameters: the generator passes a property to
// the parameter of the same name only when the attribute sets it, so an unset property runs with the parameter's
// default, and the property's own default is what reflection and the docs show. The two must agree. Attributes are
// found by reflection, so a new one is covered without editing this class.
public class StageAttributeDefaultsTests
{
    public static IEnumerable<Type> StageAttributes() =>
        typeof(PolicyStageAttribute).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(Attribute))
                && (t.IsSubclassOf(typeof(PolicyStageAttribute)) || t.GetCustomAttribute<StageImplementationAttribute>(inherit: true) is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    [Test]
    public async Task TheBuiltInStageAttributesAreAllFound()
    {
        var found = StageAttributes().ToList();

        await Assert.That(found).Contains(typeof(PinAttribute));
        await Assert.That(found).Contains(typeof(KeepRecentAttribute));
        await Assert.That(found).Contains(typeof(ScoreRelevanceAttribute));
        await Assert.That(found).Contains(typeof(TruncateAttribute));
        await Assert.That(found.Count).IsGreaterThanOrEqualTo(9);
    }

    [Test]
    [MethodDataSource(nameof(StageAttributes))]
    public void EveryPropertyDefaultsToItsStageParameterDefault(Type attributeType)
    {
        var (method, problems) = Implementation(attributeType);
        if (method is not null)
        {
            var constructorArguments = ConstructorArguments(attributeType, method, out var constructor, problems);
            if (constructor is not null)
            {
                var attribute = constructor.Invoke(constructorArguments);
                foreach (var property in Settable(attributeType).Where(p => !constructor.GetParameters().Any(c => SameName(c.Name, p.Name))))
                {
                    var parameter = method.GetParameters().FirstOrDefault(p => SameName(p.Name, property.Name));
                    if (parameter is null)
                    {
                        problems.Add($"{attributeType.Name}.{property.Name} has no parameter of that name in {Describe(method)}, so the generator rejects it when set (FM1010).");
                    }
                    else if (!parameter.HasDefaultValue)
                    {
                        problems.Add($"{Describe(method)}'s parameter '{parameter.Name}' has no default, so {attributeType.Name}.{property.Name} left unset binds it as a service.");
                    }
                    else
                    {
                        var expected = Normalize(parameter.DefaultValue, parameter.ParameterType);
                        var actual = Normalize(property.GetValue(attribute), parameter.ParameterType);
                        if (!Equals(expected, actual))
                        {
                            problems.Add($"{attributeType.Name}.{property.Name} defaults to {Show(actual)} but {Describe(method)}'s '{parameter.Name}' defaults to {Show(expected)}: take both from one const on the stage.");
                        }
                    }
                }
            }
        }

        Report(problems);
    }

    [Test]
    [MethodDataSource(nameof(StageAttributes))]
    public void EveryOptionalStageParameterCanBeSetThroughTheAttribute(Type attributeType)
    {
        var (method, problems) = Implementation(attributeType);
        if (method is not null)
        {
            var names = Settable(attributeType).Select(p => p.Name)
                .Concat(attributeType.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.Name!))
                .ToList();
            foreach (var parameter in method.GetParameters().Where(p => p.HasDefaultValue && p.ParameterType != typeof(CancellationToken)))
            {
                if (!names.Any(n => SameName(n, parameter.Name)))
                {
                    problems.Add($"{Describe(method)}'s parameter '{parameter.Name}' has no property on {attributeType.Name}, so a policy cannot set it.");
                }
            }
        }

        Report(problems);
    }

    // The attributes' docs point at the stage's with <inheritdoc cref path>; the compiler checks the cref but not the
    // path, so a renamed parameter would leave a property undocumented. Paths are read as Roslyn's IDE reads them.
    [Test]
    [MethodDataSource(nameof(StageAttributes))]
    public void EveryInheritedDocFindsTheStageDocItPointsAt(Type attributeType)
    {
        var docs = XDocument.Load(Path.ChangeExtension(attributeType.Assembly.Location, ".xml"));
        var members = docs.Root!.Element("members")!.Elements("member").ToDictionary(m => (string)m.Attribute("name")!, StringComparer.Ordinal);
        var problems = new List<string>();
        var own = members.Where(m => m.Key == "T:" + attributeType.FullName || m.Key.StartsWith("P:" + attributeType.FullName + ".", StringComparison.Ordinal));
        foreach (var (name, member) in own)
        {
            foreach (var inherit in member.Descendants("inheritdoc"))
            {
                var cref = (string?)inherit.Attribute("cref");
                if (cref is null || !members.TryGetValue(cref, out var source))
                {
                    problems.Add($"{name}: <inheritdoc cref=\"{cref}\"> names no documented member.");
                    continue;
                }

                var path = (string?)inherit.Attribute("path");
                var found = path is null
                    ? source.Nodes()
                    : ((IEnumerable)new XDocument(new XElement(source)).XPathEvaluate(path.StartsWith('/') ? "/*" + path : path)).OfType<XNode>();
                if (!found.Any(n => n is XElement || (n is XText text && !string.IsNullOrWhiteSpace(text.Value))))
                {
                    problems.Add($"{name}: <inheritdoc path=\"{path}\"> finds nothing in {cref}'s docs.");
                }
            }
        }

        Report(problems);
    }

    // The method the generator calls for the attribute: [StageImplementation]'s type and name, a static method
    // taking a MemoryFrame (an overload is chosen by the attribute's names, as the generator binds by name).
    private static (MethodInfo? Method, List<string> Problems) Implementation(Type attributeType)
    {
        var problems = new List<string>();
        var implementation = attributeType.GetCustomAttribute<StageImplementationAttribute>(inherit: true);
        if (implementation is null)
        {
            problems.Add($"{attributeType.Name} has no [StageImplementation], so the generator ignores it on a policy.");
            return (null, problems);
        }

        var names = Settable(attributeType).Select(p => p.Name).ToList();
        var candidates = implementation.Type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name == implementation.Method && !m.IsGenericMethodDefinition
                && m.GetParameters().Any(p => p.ParameterType == typeof(MemoryFrame))
                && names.All(n => m.GetParameters().Any(p => SameName(p.Name, n))))
            .ToList();
        if (candidates.Count != 1)
        {
            problems.Add($"{attributeType.Name}'s [StageImplementation] names {implementation.Type.Name}.{implementation.Method}, which has {candidates.Count} static overloads taking a MemoryFrame and a parameter for each property; expected exactly one.");
            return (null, problems);
        }

        return (candidates[0], problems);
    }

    // Arguments for the constructor with the fewest parameters: the stage parameter's default where there is one,
    // else the type's default (such a property is required, so it has no default to compare).
    private static object?[] ConstructorArguments(Type attributeType, MethodInfo method, out ConstructorInfo? constructor, List<string> problems)
    {
        constructor = attributeType.GetConstructors().OrderBy(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is null)
        {
            problems.Add($"{attributeType.Name} has no public constructor.");
            return [];
        }

        return constructor.GetParameters()
            .Select(c => method.GetParameters().FirstOrDefault(p => SameName(p.Name, c.Name)) is { HasDefaultValue: true } p
                ? Normalize(p.DefaultValue, c.ParameterType)
                : c.ParameterType.IsValueType ? Activator.CreateInstance(c.ParameterType) : null)
            .ToArray();
    }

    // What a policy can set by name: public, writable instance properties.
    private static IEnumerable<PropertyInfo> Settable(Type attributeType) =>
        attributeType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });

    // The generator matches names ignoring case (a property MaxTurns binds the parameter maxTurns).
    private static bool SameName(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    // A value as the parameter's type would hold it: an enum's default is stored as its underlying number, and an
    // attribute may declare a property of a type that converts implicitly (an int property for a double parameter).
    private static object? Normalize(object? value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return value switch
        {
            null => null,
            _ when target.IsEnum => Enum.ToObject(target, value),
            IConvertible when value.GetType() != target && target.IsPrimitive => Convert.ChangeType(value, target, CultureInfo.InvariantCulture),
            _ => value,
        };
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // Every problem in full (an equality assertion would cut the message short).
    private static void Report(List<string> problems)
    {
        if (problems.Count > 0)
        {
            Assert.Fail(string.Join(Environment.NewLine, problems));
        }
    }

    private static string Describe(MethodInfo method) => method.DeclaringType!.Name + "." + method.Name;
}
