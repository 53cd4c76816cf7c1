using FiniteMemory.Backends;
using FiniteMemory.Fakes;
using FiniteMemory.OpenAI.Tests.Support;
using Microsoft.Extensions.AI;
using TUnit.Assertions.Enums;

namespace FiniteMemory.OpenAI.Tests;

/// <summary>The presets for OpenAI-compatible servers, their registration by name, and configuration errors.</summary>
public class PresetTests
{
    [Test]
    [Arguments("openai", "https://api.openai.com/v1", OpenAIAuth.Required, "OPENAI_API_KEY", TokenizerPreset.O200k)]
    [Arguments("deepseek", "https://api.deepseek.com/v1", OpenAIAuth.Required, "DEEPSEEK_API_KEY", TokenizerPreset.Cl100k)]
    [Arguments("together", "https://api.together.xyz/v1", OpenAIAuth.Required, "TOGETHER_API_KEY", TokenizerPreset.Cl100k)]
    [Arguments("tgi", "http://localhost:8080/v1", OpenAIAuth.Optional, "HF_TOKEN", TokenizerPreset.Cl100k)]
    [Arguments("vllm", "http://localhost:8000/v1", OpenAIAuth.Optional, "VLLM_API_KEY", TokenizerPreset.Cl100k)]
    [Arguments("llamacpp", "http://localhost:8080/v1", OpenAIAuth.None, null, TokenizerPreset.Cl100k)]
    [Arguments("ollama", "http://localhost:11434/v1", OpenAIAuth.None, null, TokenizerPreset.Cl100k)]
    [Arguments("lmstudio", "http://localhost:1234/v1", OpenAIAuth.None, null, TokenizerPreset.Cl100k)]
    public async Task Every_preset_has_its_server_s_address_auth_style_key_variable_and_tokenizer(string name, string url, OpenAIAuth auth, string? variable, TokenizerPreset tokenizer)
    {
        await Assert.That(OpenAIPresets.TryGet(name, out var preset)).IsTrue();
        await Assert.That(preset!.BaseUrl).IsEqualTo(new Uri(url));
        await Assert.That(preset.Auth).IsEqualTo(auth);
        await Assert.That(preset.KeyVariable).IsEqualTo(variable);
        await Assert.That(preset.Tokenizer).IsEqualTo(tokenizer);
        await Assert.That(ChatBackends.Names).Contains(name);
    }

    [Test]
    public async Task Every_row_of_the_preset_table_is_a_registered_backend_described_by_its_address_and_key()
    {
        var registered = ChatBackends.All.Where(static b => b.Assembly == "FiniteMemory.OpenAI").ToList();

        await Assert.That(registered.Select(static b => b.Name)).IsEquivalentTo(OpenAIPresets.Names.Order(StringComparer.OrdinalIgnoreCase), CollectionOrdering.Matching);
        foreach (var preset in OpenAIPresets.All)
        {
            var backend = registered.Single(b => b.Name == preset.Name);
            await Assert.That(backend.Description).StartsWith($"{preset.Description} ({preset.BaseUrl}, ");
            await Assert.That(backend.Description).Contains(preset.KeyVariable ?? "no key");
            await Assert.That(backend.Options).Contains("Preset");
        }

        await Assert.That(Assert.Throws<ArgumentException>(() => OpenAIBackends.Create("bard", new OpenAIChatClientOptions { Model = "m" })).Message).Contains("Known presets: openai, deepseek");
    }

    [Test]
    public async Task Preset_names_are_found_however_they_are_spelled()
    {
        await Assert.That(OpenAIPresets.TryGet("llama.cpp", out var a) && a == OpenAIPresets.LlamaCpp).IsTrue();
        await Assert.That(OpenAIPresets.TryGet("LM-Studio", out var b) && b == OpenAIPresets.LmStudio).IsTrue();
        await Assert.That(OpenAIPresets.TryGet("bard", out _)).IsFalse();
    }

    [Test]
    [Arguments("ollama")]
    [Arguments("llamacpp")]
    [Arguments("lmstudio")]
    public async Task A_keyless_preset_sends_no_authorization_header_even_when_a_key_is_configured(string name)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var client = ChatBackends.Create(name, new BackendSettings { Model = "llama3.1:8b", Endpoint = server.BaseUrl, ApiKey = "should-not-be-sent" });

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        await Assert.That(response.Text).IsEqualTo("Answer 0: noted.");
        await Assert.That(server.Requests.Single().Header("Authorization")).IsNull();
        await Assert.That(server.Requests.Single().Body).DoesNotContain("should-not-be-sent");
    }

    [Test]
    public async Task An_optional_key_preset_sends_a_key_only_when_one_is_set()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using (var without = Clients.Chat(server, s => s.ApiKey = null, OpenAIPresets.Vllm))
        {
            await without.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);
        }

        using (var with = Clients.Chat(server, s => s.ApiKey = "vllm-secret", OpenAIPresets.Vllm))
        {
            await with.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);
        }

        await Assert.That(server.Requests[0].Header("Authorization")).IsNull();
        await Assert.That(server.Requests[1].Header("Authorization")).IsEqualTo("Bearer vllm-secret");
    }

    [Test]
    [NotInParallel("environment")]
    public async Task The_key_is_read_from_the_preset_s_environment_variable()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var saved = Environment.GetEnvironmentVariable("DEEPSEEK_API_KEY");
        Environment.SetEnvironmentVariable("DEEPSEEK_API_KEY", "ds-from-env");
        try
        {
            using var client = ChatBackends.Create("deepseek", new BackendSettings { Model = "deepseek-chat", Endpoint = server.BaseUrl });
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DEEPSEEK_API_KEY", saved);
        }

        await Assert.That(server.Requests.Single().Header("Authorization")).IsEqualTo("Bearer ds-from-env");
    }

    [Test]
    [NotInParallel("environment")]
    public async Task A_missing_key_is_a_clear_error_naming_the_variable()
    {
        var saved = Environment.GetEnvironmentVariable("TOGETHER_API_KEY");
        Environment.SetEnvironmentVariable("TOGETHER_API_KEY", null);
        try
        {
            var error = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("together", new BackendSettings { Model = "m" }));
            await Assert.That(error.Message).Contains("TOGETHER_API_KEY");
        }
        finally
        {
            Environment.SetEnvironmentVariable("TOGETHER_API_KEY", saved);
        }
    }

    [Test]
    public async Task A_missing_model_is_a_clear_error()
    {
        var error = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("ollama", new BackendSettings()));
        await Assert.That(error.Message).Contains("needs a model");
        await Assert.That(error.Option).IsEqualTo("model");
    }

    [Test]
    public async Task The_openai_backend_takes_a_preset_option_and_rejects_unknown_ones()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var client = ChatBackends.Create("openai", new BackendSettings
        {
            Model = "qwen2.5",
            Endpoint = server.BaseUrl,
            Options = new Dictionary<string, string> { ["preset"] = "lmstudio", ["max-retries"] = "0" },
        });
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);
        await Assert.That(server.Requests.Single().Header("Authorization")).IsNull();
        await Assert.That(client.GetService<OpenAIPreset>()).IsEqualTo(OpenAIPresets.LmStudio);

        var unknown = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("openai", new BackendSettings { Model = "m", ApiKey = "k", Options = new Dictionary<string, string> { ["preset"] = "bard" } }));
        await Assert.That(unknown.Message).Contains("Known presets: openai, deepseek");
        var clash = Assert.Throws<BackendConfigurationException>(() => ChatBackends.Create("ollama", new BackendSettings { Model = "m", Options = new Dictionary<string, string> { ["preset"] = "vllm" } }));
        await Assert.That(clash.Message).Contains("select backend 'vllm'");
    }

    [Test]
    public async Task The_backend_names_its_tokenizer_for_the_memory_to_count_with()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var openai = Clients.Chat(server);
        using var ollama = Clients.Chat(server, preset: OpenAIPresets.Ollama);

        await Assert.That(openai.GetService(typeof(TokenizerPreset))).IsEqualTo(TokenizerPreset.O200k);
        await Assert.That(ollama.GetService(typeof(TokenizerPreset))).IsEqualTo(TokenizerPreset.Cl100k);
    }
}
