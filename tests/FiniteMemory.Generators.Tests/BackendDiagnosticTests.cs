using FiniteMemory.Backends;
using FiniteMemory.Generators.Tests.Support;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// Every backend diagnostic, FM2001–FM2006: id, severity, span (marked <c>{|FM2xxx:...|}</c>) and full message,
/// and nothing else. A factory with an error is left out of the registry; the others are still registered.
/// </summary>
public class BackendDiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using FiniteMemory.Backends;
        using Microsoft.Extensions.AI;

        namespace Sample;

        """;

    private const string FactoryShape =
        "A backend factory is a static, non-generic method returning IChatClient that takes nothing, a BackendSettings, or a settings class with a parameterless constructor.";

    private const string SupportedTypes =
        "Supported types are string, bool, int, long, double, float, decimal, Uri, TimeSpan, enums and their nullable forms; make the property get-only or init-only to leave it out of binding.";

    [Test]
    public async Task FM2001_ABackendNameDeclaredTwiceIsReportedOnTheLaterDeclarationIgnoringCase()
    {
        await DiagnosticExpectations.AssertExactly(
            Usings + """
                public static class Factories
                {
                    [Backend("dup-backend")]
                    public static IChatClient First() => null!;

                    [Backend({|FM2001:"Dup-Backend"|})]
                    public static IChatClient Second() => null!;
                }
                """,
            ["Backend name 'Dup-Backend' is declared by both 'Factories.First' and 'Factories.Second'; names must be unique (case-insensitive). Rename one of the backends."],
            checkGeneratedCode: false);
    }

    [Test]
    public async Task FM2001_ADuplicateBackendNameCausesNoCompilerErrorInGeneratedCode()
    {
        var run = GeneratorRun.Run(Usings + """
            public static class Factories
            {
                [Backend("dup-clean-backend")]
                public static IChatClient First() => null!;

                [Backend("DUP-CLEAN-BACKEND")]
                public static IChatClient Second() => null!;
            }
            """);

        await Assert.That(run.Diagnostics.Select(d => d.Id)).IsEquivalentTo(["FM2001"]);
        await Assert.That(run.GeneratedCodeProblems()).IsEmpty();
    }

    [Test]
    public async Task FM2002_AFactoryWithTheWrongShapeIsReportedOnItsNameAndTheRestAreStillRegistered()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                public sealed class NoDefault
                {
                    public NoDefault(int size)
                    {
                    }
                }

                public abstract class AbstractSettings
                {
                }

                public partial class Factories
                {
                    [Backend("b-instance")]
                    public IChatClient {|FM2002:Instance|}() => null!;

                    [Backend("b-private")]
                    private static IChatClient {|FM2002:Hidden|}() => null!;

                    [Backend("b-return")]
                    public static string {|FM2002:Text|}() => "";

                    [Backend("b-two")]
                    public static IChatClient {|FM2002:Two|}(BackendSettings first, BackendSettings second) => null!;

                    [Backend("b-generic")]
                    public static IChatClient {|FM2002:Generic|}<T>() => null!;

                    [Backend("b-ref")]
                    public static IChatClient {|FM2002:ByRef|}(ref BackendSettings settings) => null!;

                    [Backend("b-int")]
                    public static IChatClient {|FM2002:Number|}(int size) => null!;

                    [Backend("b-no-default")]
                    public static IChatClient {|FM2002:NoCtor|}(NoDefault settings) => null!;

                    [Backend("b-abstract")]
                    public static IChatClient {|FM2002:Abstract|}(AbstractSettings settings) => null!;

                    [Backend("b-fine")]
                    internal static IChatClient Fine() => null!;
                }

                public static class Holder<T>
                {
                    public static class Nested
                    {
                        [Backend("b-in-generic")]
                        public static IChatClient {|FM2002:Inside|}() => null!;
                    }
                }
                """,
            [
                "Backend factory 'Factories.Instance' is not static. " + FactoryShape,
                "Backend factory 'Factories.Hidden' is private, so the generated registry cannot call it; make it internal or public. " + FactoryShape,
                "Backend factory 'Factories.Text' returns 'string', which is not an IChatClient. " + FactoryShape,
                "Backend factory 'Factories.Two' takes 2 parameters. " + FactoryShape,
                "Backend factory 'Factories.Generic' is generic or declared in a generic type. " + FactoryShape,
                "Backend factory 'Factories.ByRef' takes its settings by reference. " + FactoryShape,
                "Backend factory 'Factories.Number' takes a 'int', which is neither BackendSettings nor a non-abstract class the registry can create with 'new' (visible to the assembly, a parameterless constructor, no required members). " + FactoryShape,
                "Backend factory 'Factories.NoCtor' takes a 'NoDefault', which is neither BackendSettings nor a non-abstract class the registry can create with 'new' (visible to the assembly, a parameterless constructor, no required members). " + FactoryShape,
                "Backend factory 'Factories.Abstract' takes a 'AbstractSettings', which is neither BackendSettings nor a non-abstract class the registry can create with 'new' (visible to the assembly, a parameterless constructor, no required members). " + FactoryShape,
                "Backend factory 'Holder.Nested.Inside' is generic or declared in a generic type. " + FactoryShape,
            ]);

        var registry = run.LoadRegistry();
        await Assert.That(registry.BackendNames).IsEquivalentTo(["b-fine"]);
    }

    [Test]
    public async Task FM2003_ASettingsPropertyThatCannotBeBoundIsReportedOnThePropertyName()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                public sealed class BadSettings
                {
                    public int {|FM2003:Model|} { get; set; }

                    public Uri? {|FM2003:ApiKey|} { get; set; }

                    public int {|FM2003:Endpoint|} { get; set; }

                    public string? {|FM2003:Timeout|} { get; set; }

                    public List<string> {|FM2003:Tags|} { get; set; } = new();

                    public object? {|FM2003:Extra|} { get; set; }

                    public string Fine { get; set; } = "";

                    public List<string> GetOnly { get; } = new();

                    public List<string> InitOnly { get; init; } = new();

                    internal List<string> Internal { get; set; } = new();
                }

                public static class Factories
                {
                    [Backend("unbindable")]
                    public static IChatClient Create(BadSettings settings) => null!;
                }
                """,
            [
                "Property 'Model' of settings class 'BadSettings' has type 'int', which backend 'unbindable' cannot bind from configuration. 'Model' receives BackendSettings.Model and must be a string.",
                "Property 'ApiKey' of settings class 'BadSettings' has type 'Uri?', which backend 'unbindable' cannot bind from configuration. 'ApiKey' receives BackendSettings.ApiKey and must be a string.",
                "Property 'Endpoint' of settings class 'BadSettings' has type 'int', which backend 'unbindable' cannot bind from configuration. 'Endpoint' receives BackendSettings.Endpoint and must be a Uri or a string.",
                "Property 'Timeout' of settings class 'BadSettings' has type 'string?', which backend 'unbindable' cannot bind from configuration. 'Timeout' receives BackendSettings.Timeout and must be a TimeSpan.",
                "Property 'Tags' of settings class 'BadSettings' has type 'List<string>', which backend 'unbindable' cannot bind from configuration. " + SupportedTypes,
                "Property 'Extra' of settings class 'BadSettings' has type 'object?', which backend 'unbindable' cannot bind from configuration. " + SupportedTypes,
            ]);

        await Assert.That(run.HintNames).IsEmpty();
    }

    [Test]
    public async Task FM2003_ANullableAnnotatedUriOptionIsBound()
    {
        var run = GeneratorRun.Run(Usings + """
            public sealed class ProxySettings
            {
                public Uri? Proxy { get; set; }
            }

            public static class Factories
            {
                [Backend("gen-nullable-uri")]
                public static IChatClient Create(ProxySettings settings) => new Client(settings);
            }

            public sealed class Client(ProxySettings settings) : IChatClient
            {
                public System.Threading.Tasks.Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, System.Threading.CancellationToken cancellationToken = default) => throw new NotSupportedException();

                public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, System.Threading.CancellationToken cancellationToken = default) => throw new NotSupportedException();

                public object? GetService(Type serviceType, object? serviceKey = null) => settings.Proxy;

                public void Dispose()
                {
                }
            }
            """);

        await Assert.That(run.Problems()).IsEmpty();
        var client = run.LoadRegistry().CreateBackend("gen-nullable-uri", new BackendSettings { Options = new Dictionary<string, string> { ["proxy"] = "http://127.0.0.1:3128/" } });
        await Assert.That(client.GetService(typeof(Uri))).IsEqualTo(new Uri("http://127.0.0.1:3128/"));
    }

    [Test]
    public async Task FM2005_TwoSettingsPropertiesWithOneOptionKeyAreReportedOnTheFactoryParameter()
    {
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                public sealed class Clashing
                {
                    public int MaxTokens { get; set; }

                    public int Max_Tokens { get; set; }

                    public double Temperature { get; set; }
                }

                public static class Factories
                {
                    [Backend("clash")]
                    public static IChatClient Create({|FM2005:Clashing settings|}) => null!;

                    [Backend("fine")]
                    public static IChatClient Fine() => null!;
                }
                """,
            [
                "Properties 'MaxTokens' and 'Max_Tokens' of settings class 'Clashing' are both set by option 'maxtokens' (keys ignore case, '-' and '_'). Rename one of them.",
            ]);

        await Assert.That(run.LoadRegistry().BackendNames).IsEquivalentTo(["fine"]);
    }

    [Test]
    public async Task FM2004_AnInvalidBackendNameIsReportedOnTheNameArgument()
    {
        const string Rule = "is not valid. Use letters, digits, '_', '-' and '.', starting with a letter or digit.";
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                public static class Factories
                {
                    [Backend({|FM2004:""|})]
                    public static IChatClient Empty() => null!;

                    [Backend({|FM2004:"with space"|}, Description = "d")]
                    public static IChatClient Spaced() => null!;

                    [Backend({|FM2004:"_under"|})]
                    public static IChatClient Underscore() => null!;

                    [Backend({|FM2004:"semi;colon"|})]
                    public static IChatClient Semicolon() => null!;

                    [Backend("ok.name_2-b")]
                    public static IChatClient Fine() => null!;
                }
                """,
            [
                "Backend name '' on 'Factories.Empty' " + Rule,
                "Backend name 'with space' on 'Factories.Spaced' " + Rule,
                "Backend name '_under' on 'Factories.Underscore' " + Rule,
                "Backend name 'semi;colon' on 'Factories.Semicolon' " + Rule,
            ]);

        await Assert.That(run.LoadRegistry().BackendNames).IsEquivalentTo(["ok.name_2-b"]);
    }

    [Test]
    public async Task FM2006_ATableThatCannotBeRegisteredIsReportedOnItsTableArgumentOrOnTheFactory()
    {
        const string Rule = "A table factory has [Backend(Table = nameof(Member))] without a name or description, where Member is a static property or field of its type whose type is an IEnumerable<BackendEntry>, and takes the backend's name (a string) before its settings.";
        var run = await DiagnosticExpectations.AssertExactly(
            Usings + """
                public static class Factories
                {
                    public static IEnumerable<BackendEntry> Entries => [new("t-one", "One."), new("t-two", "Two.")];

                    public static IReadOnlyList<BackendEntry> EntriesToo { get; } = [new("t-three", "Three.")];

                    public static IEnumerable<string> Words => ["w"];

                    public static IEnumerable<BackendEntry> Hidden
                    {
                        private get => [];
                        set { }
                    }

                    internal static readonly BackendEntry[] Field = [new("t-field", "Field.")];

                    public static BackendEntry[] Instance => [];

                    [Backend("named", {|FM2006:Table = nameof(Entries)|})]
                    public static IChatClient Both(string name) => null!;

                    [Backend({|FM2006:Table = nameof(Entries)|}, Description = "d")]
                    public static IChatClient Described(string name) => null!;

                    [Backend({|FM2006:Table = "Missing"|})]
                    public static IChatClient Missing(string name) => null!;

                    [Backend({|FM2006:Table = nameof(Words)|})]
                    public static IChatClient NotEntries(string name) => null!;

                    [Backend({|FM2006:Table = nameof(Hidden)|})]
                    public static IChatClient Unreadable(string name) => null!;

                    [Backend(Table = nameof(Entries))]
                    public static IChatClient {|FM2006:Nameless|}(BackendSettings settings) => null!;

                    [Backend(Table = nameof(EntriesToo))]
                    public static IChatClient {|FM2002:TooMany|}(string name, BackendSettings settings, BackendSettings more) => null!;

                    [Backend(Table = nameof(Field))]
                    internal static IChatClient Fine(string name, BackendSettings settings) => null!;
                }

                public sealed class Holder
                {
                    public BackendEntry[] Entries { get; } = [];

                    [Backend({|FM2006:Table = nameof(Entries)|})]
                    public static IChatClient Instance(string name) => null!;
                }
                """,
            [
                "Backend factory 'Factories.Both' names backend 'named' and also a Table; give the one name or the table, not both. " + Rule,
                "Backend factory 'Factories.Described' sets a Description, but a table's entries carry their own; remove it. " + Rule,
                "Backend factory 'Factories.Missing' names Table 'Missing', but 'Factories' has no property or field of that name. " + Rule,
                "Backend factory 'Factories.NotEntries' names Table 'Words', whose type 'IEnumerable<string>' is not an IEnumerable<BackendEntry>. " + Rule,
                "Backend factory 'Factories.Unreadable' names Table 'Hidden', which the generated registry cannot read; make it internal or public. " + Rule,
                "Backend factory 'Factories.Nameless' does not take the backend's name (a string) as its first parameter, which a table factory needs to know which entry it creates. " + Rule,
                "Backend factory 'Factories.TooMany' takes 3 parameters. " + FactoryShape,
                "Backend factory 'Holder.Instance' names Table 'Entries', which is not static. " + Rule,
            ]);

        await Assert.That(run.LoadRegistry().BackendNames).IsEquivalentTo(["t-field"]);
    }
}
