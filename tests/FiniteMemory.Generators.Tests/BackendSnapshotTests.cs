using System.Runtime.CompilerServices;
using FiniteMemory.Backends;
using FiniteMemory.Generators.Tests.Inputs;
using FiniteMemory.Generators.Tests.Support;
using Microsoft.Extensions.AI;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Generators.Tests;

/// <summary>
/// What the generator writes for [Backend] factories — registrations and settings binders in the registry —
/// pinned by a snapshot, and the generated binders executed: every supported property type bound from
/// options, the common settings passed through, and unknown or unparsable options rejected with clear,
/// secret-free messages.
/// </summary>
/// <remarks>
/// The backends are compiled and loaded once for the class: <see cref="ChatBackends"/> is one registry for the
/// whole process, and the same names from two assemblies would be a conflict.
/// </remarks>
public class BackendSnapshotTests
{
    private static readonly Lazy<GeneratorRun> Compiled = new(() =>
        GeneratorRun.Run(TestCompilation.Create("Gen.Backends", [("EchoClient.cs", BackendInputs.EchoClient), ("Factories.cs", BackendInputs.Factories)])));

    private static readonly Lazy<GeneratedRegistry> Loaded = new(() => Compiled.Value.LoadRegistry());

    private static GeneratedRegistry Registry => Loaded.Value;

    [Test]
    public async Task TheRegistryRegistersEachFactoryAndBindsCustomSettingsClasses()
    {
        var run = Compiled.Value;

        await Snapshot.Verify(run.Listing());
        await Assert.That(run.Problems()).IsEmpty();
        await Assert.That(run.HintNames).IsEquivalentTo(["GenBackendsRegistry.g.cs"]);
        await Assert.That(Registry.BackendNames).IsEquivalentTo(["gen-echo-custom", "gen-echo-plain", "gen-echo-settings", "gen-echo-text-endpoint"], CollectionOrdering.Matching);
        await Assert.That(Registry.PolicyNames).IsEmpty();
    }

    [Test]
    public async Task ACustomSettingsClassGetsTheCommonSettingsAndEveryOptionParsed()
    {
        var client = Registry.CreateBackend("gen-echo-custom", new BackendSettings
        {
            Model = "small-model",
            Endpoint = new Uri("http://127.0.0.1:8080/v1"),
            ApiKey = "key-123",
            Timeout = TimeSpan.FromSeconds(7),
            Options = new Dictionary<string, string>
            {
                ["greeting"] = "good morning",
                ["max-tokens"] = "512",
                ["Seed"] = "9000000000",
                ["temperature"] = "0.25",
                ["top_p"] = "0.5",
                ["price"] = "1.75",
                ["stream"] = "yes",
                ["verbosity"] = "CHATTY",
                ["retry-delay"] = "2.5",
                ["proxy"] = "http://127.0.0.1:3128/",
                ["MAX_RETRIES"] = "3",
                ["fallback-verbosity"] = "quiet",
            },
        });

        var bound = SettingsOf(client);
        await Assert.That(bound["Model"]).IsEqualTo("small-model");
        await Assert.That(bound["Endpoint"]).IsEqualTo(new Uri("http://127.0.0.1:8080/v1"));
        await Assert.That(bound["ApiKey"]).IsEqualTo("key-123");
        await Assert.That(bound["Timeout"]).IsEqualTo(TimeSpan.FromSeconds(7));
        await Assert.That(bound["Greeting"]).IsEqualTo("good morning");
        await Assert.That(bound["MaxTokens"]).IsEqualTo(512);
        await Assert.That(bound["Seed"]).IsEqualTo(9_000_000_000L);
        await Assert.That(bound["Temperature"]).IsEqualTo(0.25);
        await Assert.That(bound["TopP"]).IsEqualTo(0.5f);
        await Assert.That(bound["Price"]).IsEqualTo(1.75m);
        await Assert.That((bool)bound["Stream"]!).IsTrue();
        await Assert.That(bound["Verbosity"]?.ToString()).IsEqualTo("Chatty");
        await Assert.That(bound["RetryDelay"]).IsEqualTo(TimeSpan.FromSeconds(2.5));
        await Assert.That(bound["Proxy"]).IsEqualTo(new Uri("http://127.0.0.1:3128/"));
        await Assert.That(bound["MaxRetries"]).IsEqualTo(3);
        await Assert.That(bound["FallbackVerbosity"]?.ToString()).IsEqualTo("Quiet");
        await Assert.That(bound["Region"]).IsEqualTo("eu");
    }

    [Test]
    public async Task SettingsLeftOutKeepTheSettingsClassDefaults()
    {
        var bound = SettingsOf(Registry.CreateBackend("gen-echo-custom", new BackendSettings()));

        await Assert.That(bound["Model"]).IsEqualTo("default-model");
        await Assert.That(bound["Endpoint"]).IsNull();
        await Assert.That(bound["ApiKey"]).IsNull();
        await Assert.That(bound["Timeout"]).IsEqualTo(TimeSpan.FromSeconds(100));
        await Assert.That(bound["MaxTokens"]).IsEqualTo(256);
        await Assert.That(bound["Temperature"]).IsEqualTo(1.0);
        await Assert.That(bound["Verbosity"]?.ToString()).IsEqualTo("Normal");
        await Assert.That(bound["MaxRetries"]).IsNull();
    }

    [Test]
    public async Task AStringEndpointPropertyGetsTheEndpointsTextAndAClassWithoutOptionsRejectsAllOptions()
    {
        var bound = SettingsOf(Registry.CreateBackend("gen-echo-text-endpoint", new BackendSettings
        {
            Endpoint = new Uri("http://127.0.0.1:8080/v1"),
            Timeout = TimeSpan.FromMilliseconds(1500),
        }));
        await Assert.That(bound["Endpoint"]).IsEqualTo("http://127.0.0.1:8080/v1");
        await Assert.That(bound["Timeout"]).IsEqualTo(TimeSpan.FromMilliseconds(1500));

        var error = Assert.Throws<BackendConfigurationException>(() => Registry.CreateBackend(
            "gen-echo-text-endpoint",
            new BackendSettings { Options = new Dictionary<string, string> { ["endpoint"] = "http://elsewhere" } }));
        await Assert.That(error.Message).IsEqualTo(
            "Backend 'gen-echo-text-endpoint' takes no option 'endpoint': it accepts only the common settings (model, endpoint, API key, timeout).");
    }

    [Test]
    public async Task AnUnknownOptionIsAnErrorThatListsTheKnownOptions()
    {
        var error = Assert.Throws<BackendConfigurationException>(() => Registry.CreateBackend(
            "gen-echo-custom",
            new BackendSettings { Options = new Dictionary<string, string> { ["colour"] = "blue" } }));

        await Assert.That(error.Backend).IsEqualTo("gen-echo-custom");
        await Assert.That(error.Option).IsEqualTo("colour");
        await Assert.That(error.Message).IsEqualTo(
            "Backend 'gen-echo-custom' has no option 'colour'. Known options: FallbackVerbosity, Greeting, MaxRetries, MaxTokens, Price, Proxy, RetryDelay, Seed, Stream, Temperature, TopP, Verbosity.");
    }

    [Test]
    public async Task InitOnlyPropertiesAreNotOptions()
    {
        var error = Assert.Throws<BackendConfigurationException>(() => Registry.CreateBackend(
            "gen-echo-custom",
            new BackendSettings { Options = new Dictionary<string, string> { ["region"] = "us" } }));

        await Assert.That(error.Option).IsEqualTo("region");
        await Assert.That(error.Message).StartsWith("Backend 'gen-echo-custom' has no option 'region'.");
    }

    [Test]
    [Arguments("max-tokens", "lots-of-tokens-s3cr3t", "a whole number")]
    [Arguments("seed", "s3cr3t-seed", "a whole number")]
    [Arguments("temperature", "warm-s3cr3t", "a number such as 0.7")]
    [Arguments("stream", "maybe-s3cr3t", "true or false")]
    [Arguments("verbosity", "loud-s3cr3t", "one of Quiet, Normal, Chatty")]
    [Arguments("retry-delay", "soon-s3cr3t", "a duration such as 00:00:30 or a number of seconds")]
    [Arguments("proxy", "not a url s3cr3t", "an absolute URL such as http://127.0.0.1:8080/v1")]
    [Arguments("max_retries", "three-s3cr3t", "a whole number")]
    public async Task AnOptionThatDoesNotParseIsAnErrorThatNamesItButNeverShowsTheValue(string option, string value, string expected)
    {
        var error = Assert.Throws<BackendConfigurationException>(() => Registry.CreateBackend(
            "gen-echo-custom",
            new BackendSettings { Options = new Dictionary<string, string> { [option] = value } }));

        await Assert.That(error.Option).IsEqualTo(option);
        await Assert.That(error.Message).IsEqualTo($"Backend 'gen-echo-custom': option '{option}' must be {expected}; the value given does not parse.");
        await Assert.That(error.Message).DoesNotContain("s3cr3t");
    }

    [Test]
    public async Task AFactoryWithoutParametersRejectsAnyOptionButTakesTheCommonSettings()
    {
        var plain = Registry.CreateBackend("gen-echo-plain", new BackendSettings { Model = "ignored", ApiKey = "ignored" });
        await Assert.That(plain.ToString()).IsEqualTo("plain");

        var error = Assert.Throws<BackendConfigurationException>(() => Registry.CreateBackend(
            "gen-echo-plain",
            new BackendSettings { Options = new Dictionary<string, string> { ["model-size"] = "7b" } }));
        await Assert.That(error.Option).IsEqualTo("model-size");
        await Assert.That(error.Message).IsEqualTo(
            "Backend 'gen-echo-plain' takes no option 'model-size': it accepts only the common settings (model, endpoint, API key, timeout).");
    }

    [Test]
    public async Task ABackendSettingsFactoryGetsTheSettingsObjectAsGiven()
    {
        var settings = new BackendSettings { Model = "m", Options = new Dictionary<string, string> { ["anything"] = "goes" } };

        var client = Registry.CreateBackend("gen-echo-settings", settings);

        await Assert.That(client.GetService(typeof(object), "settings")).IsSameReferenceAs(settings);
    }

    [Test]
    public async Task TheRegistryFindsBackendsCaseInsensitivelyAndRejectsUnknownNamesListingItsOwn()
    {
        var client = Registry.CreateBackend("  GEN-Echo-Plain ", new BackendSettings());
        await Assert.That(client.ToString()).IsEqualTo("plain");

        var error = Assert.Throws<ArgumentException>(() => Registry.CreateBackend("gen-echo-nothing", new BackendSettings()));
        await Assert.That(error.ParamName).IsEqualTo("name");
        await Assert.That(error.Message).StartsWith(
            "Assembly Gen.Backends declares no backend 'gen-echo-nothing'. It declares: gen-echo-custom, gen-echo-plain, gen-echo-settings, gen-echo-text-endpoint. ChatBackends.Create(name, settings) searches every registered assembly.");
    }

    [Test]
    public async Task TheModuleInitializerRegistersTheBackendsWithChatBackends()
    {
        RuntimeHelpers.RunModuleConstructor(Registry.Assembly.ManifestModule.ModuleHandle);

        await Assert.That(ChatBackends.TryGet("gen-echo-custom", out var custom)).IsTrue();
        await Assert.That(custom!.Description).IsEqualTo("Binds its own settings class.");
        await Assert.That(custom.Assembly).IsEqualTo("Gen.Backends");
        await Assert.That(custom.Options).IsEquivalentTo(
            ["FallbackVerbosity", "Greeting", "MaxRetries", "MaxTokens", "Price", "Proxy", "RetryDelay", "Seed", "Stream", "Temperature", "TopP", "Verbosity"],
            CollectionOrdering.Matching);

        await Assert.That(ChatBackends.TryGet("gen-echo-plain", out var plain)).IsTrue();
        await Assert.That(plain!.Description).IsEqualTo("Takes no settings.");
        await Assert.That(plain.Options).IsEmpty();

        var bound = SettingsOf(ChatBackends.Create("gen-echo-custom", new BackendSettings { Options = new Dictionary<string, string> { ["max-tokens"] = "64" } }));
        await Assert.That(bound["MaxTokens"]).IsEqualTo(64);
        await Assert.That(Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("gen-echo-plain", new BackendSettings { Options = new Dictionary<string, string> { ["x"] = "1" } })).Option)
            .IsEqualTo("x");
    }

    private static IReadOnlyDictionary<string, object?> SettingsOf(IChatClient client) =>
        GeneratedRegistry.Properties(client.GetService(typeof(object), "settings") ?? throw new InvalidOperationException($"Backend '{client}' kept no settings."));
}
