using FiniteMemory.Backends;
using FiniteMemory.Generated;

namespace FiniteMemory.Tests.Backends;

/// <summary>Backends declared in this assembly with [Backend], created by name through the generated registry and binder.</summary>
public class BackendRegistryTests
{
    private static BackendSettings With(params (string Key, string Value)[] options) =>
        new() { Options = options.ToDictionary(o => o.Key, o => o.Value) };

    [Test]
    public async Task DeclaredBackendsAreRegisteredByName()
    {
        FiniteMemoryCoreTestsRegistry.Register();

        await Assert.That(ChatBackends.Names).Contains("test-echo");
        await Assert.That(FiniteMemoryCoreTestsRegistry.BackendNames).IsEquivalentTo(new[] { "echo", "test-bare", "test-echo", "test-raw" });
        await Assert.That(ChatBackends.TryGet("TEST-ECHO", out var echo)).IsTrue();
        await Assert.That(echo!.Description).IsEqualTo("Echo with options.");
        await Assert.That(echo.Options).IsEquivalentTo(new[] { "Backoff", "Greeting", "MaxTokens", "Stream", "Temperature", "Tone" });
        await Assert.That(echo.Assembly).IsEqualTo("FiniteMemory.Core.Tests");
    }

    [Test]
    public async Task TheGeneratedBinderSetsCommonSettingsAndParsesOptions()
    {
        FiniteMemoryCoreTestsRegistry.Register();
        var settings = new BackendSettings
        {
            Model = "m-1",
            Endpoint = new Uri("http://127.0.0.1:9/v1"),
            ApiKey = "sk-secret",
            Timeout = TimeSpan.FromSeconds(7),
            Options = new Dictionary<string, string>
            {
                ["temperature"] = "0.25",
                ["max-tokens"] = "512",
                ["STREAM"] = "yes",
                ["tone"] = "friendly",
                ["backoff"] = "1.5",
                ["greeting"] = "hello there",
            },
        };

        var client = (ConfiguredClient)ChatBackends.Create("test-echo", settings);
        var bound = (EchoSettings)client.Settings;

        await Assert.That(bound.Model).IsEqualTo("m-1");
        await Assert.That(bound.Endpoint).IsEqualTo(new Uri("http://127.0.0.1:9/v1"));
        await Assert.That(bound.ApiKey).IsEqualTo("sk-secret");
        await Assert.That(bound.Timeout).IsEqualTo(TimeSpan.FromSeconds(7));
        await Assert.That(bound.Temperature).IsEqualTo(0.25);
        await Assert.That(bound.MaxTokens).IsEqualTo(512);
        await Assert.That(bound.Stream).IsTrue();
        await Assert.That(bound.Tone).IsEqualTo(Tone.Friendly);
        await Assert.That(bound.Backoff).IsEqualTo(TimeSpan.FromSeconds(1.5));
        await Assert.That(bound.Greeting).IsEqualTo("hello there");
        await Assert.That(bound.Fixed).IsEqualTo("fixed");
    }

    [Test]
    public async Task OptionsLeftOutKeepTheSettingsClassDefaults()
    {
        var bound = (EchoSettings)((ConfiguredClient)FiniteMemoryCoreTestsRegistry.CreateBackend("test-echo", new BackendSettings())).Settings;

        await Assert.That(bound.Temperature).IsEqualTo(1.0);
        await Assert.That(bound.MaxTokens).IsNull();
        await Assert.That(bound.Model).IsNull();
    }

    [Test]
    public async Task AnUnknownOptionIsAnErrorListingTheKnownOnes()
    {
        var error = Assert.Throws<BackendConfigurationException>(() => FiniteMemoryCoreTestsRegistry.CreateBackend("test-echo", With(("temprature", "0.5"))));

        await Assert.That(error.Backend).IsEqualTo("test-echo");
        await Assert.That(error.Option).IsEqualTo("temprature");
        await Assert.That(error.Message).Contains("has no option 'temprature'");
        await Assert.That(error.Message).Contains("Known options: Backoff, Greeting, MaxTokens, Stream, Temperature, Tone");
    }

    [Test]
    public async Task AValueThatDoesNotParseIsAnErrorThatNeverShowsTheValue()
    {
        foreach (var (key, value, expected) in new[]
        {
            ("temperature", "warm-sk-123", "a number"),
            ("max_tokens", "lots-sk-123", "a whole number"),
            ("stream", "maybe-sk-123", "true or false"),
            ("tone", "angry-sk-123", "one of Plain, Friendly"),
            ("backoff", "soon-sk-123", "a duration"),
        })
        {
            var error = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("test-echo", With((key, value))));
            await Assert.That(error.Message).Contains($"option '{key}' must be {expected}");
            await Assert.That(error.Message).DoesNotContain("sk-123");
        }
    }

    [Test]
    public async Task AFactoryTakingBackendSettingsGetsThemAsGivenAndOneTakingNothingRejectsOptions()
    {
        var settings = With(("anything", "goes"));
        var raw = (ConfiguredClient)ChatBackends.Create("test-raw", settings);
        await Assert.That(raw.Settings).IsSameReferenceAs(settings);

        var bare = (ConfiguredClient)ChatBackends.Create("test-bare", new BackendSettings { Model = "ignored" });
        await Assert.That(bare.Settings).IsEqualTo("bare");

        var error = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("test-bare", settings));
        await Assert.That(error.Message).Contains("takes no option 'anything'");
    }

    [Test]
    public async Task AnUnknownBackendIsAnErrorListingTheKnownOnes()
    {
        FiniteMemoryCoreTestsRegistry.Register();
        var error = Assert.Throws<ArgumentException>(() => ChatBackends.Create("openai-typo", new BackendSettings()));

        await Assert.That(error.Message).Contains("Unknown backend 'openai-typo'");
        await Assert.That(error.Message).Contains("test-echo");
    }

    [Test]
    public async Task SettingsNeverShowTheApiKey()
    {
        var settings = new BackendSettings { ApiKey = "sk-very-secret", Model = "m", Options = new Dictionary<string, string> { ["x"] = "1" } };

        await Assert.That(settings.ToString()).DoesNotContain("sk-very-secret");
        await Assert.That(settings.ToString()).Contains("ApiKey=(set)");
    }

    [Test]
    public async Task OptionKeysAreComparedWithoutCaseDashesOrUnderscores()
    {
        await Assert.That(BackendSettingsBinder.Normalize("Max-Tokens")).IsEqualTo("maxtokens");
        await Assert.That(BackendSettingsBinder.Normalize("max_tokens")).IsEqualTo("maxtokens");
        await Assert.That(BackendSettingsBinder.Normalize("MAX TOKENS")).IsEqualTo("maxtokens");
        await Assert.That(BackendSettingsBinder.Normalize(string.Empty)).IsEqualTo(string.Empty);
    }

    [Test]
    public async Task TheParsersAcceptTheDocumentedForms()
    {
        await Assert.That(BackendSettingsBinder.ParseTimeSpan("b", "t", "00:01:30")).IsEqualTo(TimeSpan.FromSeconds(90));
        await Assert.That(BackendSettingsBinder.ParseTimeSpan("b", "t", "2.5")).IsEqualTo(TimeSpan.FromSeconds(2.5));
        await Assert.That(BackendSettingsBinder.ParseBoolean("b", "t", "OFF")).IsFalse();
        await Assert.That(BackendSettingsBinder.ParseUri("b", "t", "http://127.0.0.1:8080/v1").Port).IsEqualTo(8080);
        await Assert.That(BackendSettingsBinder.ParseDecimal("b", "t", "0.10")).IsEqualTo(0.10m);
        Assert.Throws<BackendConfigurationException>(() => BackendSettingsBinder.ParseUri("b", "t", "relative/path"));
        Assert.Throws<BackendConfigurationException>(() => BackendSettingsBinder.ParseDouble("b", "t", "NaN"));
        Assert.Throws<BackendConfigurationException>(() => BackendSettingsBinder.ParseEnum<Tone>("b", "t", "5"));
    }
}
