using FiniteMemory.Backends;
using FiniteMemory.Generated;
using FiniteMemory.Http.Replicate;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Tests.Replicate;

/// <summary>Creating the replicate backend from configuration, and the errors a user can cause.</summary>
public class ReplicateChatClientOptionsTests
{
    private static ReplicateChatClient Create(string? model, params (string Key, string Value)[] options) =>
        (ReplicateChatClient)ChatBackends.Create("replicate", new BackendSettings
        {
            Model = model,
            ApiKey = "r8_configured_token_123",
            Endpoint = new Uri("http://127.0.0.1:9/"),
            Options = options.ToDictionary(o => o.Key, o => o.Value),
        });

    [Test]
    public async Task TheRegistryCreatesTheBackendByNameWithBoundOptions()
    {
        FiniteMemoryHttpRegistry.Register();

        await Assert.That(ChatBackends.TryGet("replicate", out var registration)).IsTrue();
        await Assert.That(registration!.Description).Contains("Replicate");
        await Assert.That(registration.Options).Contains("PromptFormat");
        using var client = Create("meta/meta-llama-3-70b-instruct", ("prompt-format", "chatml"), ("wait", "10"), ("poll-interval", "0.25"), ("stream-usage", "false"));

        await Assert.That(client.PromptTemplate).IsEqualTo(ReplicatePromptTemplate.ChatML);
        var metadata = client.GetService<ChatClientMetadata>()!;
        await Assert.That(metadata.ProviderName).IsEqualTo("replicate");
        await Assert.That(metadata.DefaultModelId).IsEqualTo("meta/meta-llama-3-70b-instruct");
    }

    [Test]
    public async Task AMissingModelIsAClearError()
    {
        FiniteMemoryHttpRegistry.Register();

        var error = await Assert.ThrowsAsync<BackendConfigurationException>(() => Task.FromResult(Create(null)));

        await Assert.That(error!.Option).IsEqualTo("model");
        await Assert.That(error.Message).Contains("meta/meta-llama-3-70b-instruct");
    }

    [Test]
    [Arguments("llama3")]
    [Arguments("meta/llama/3")]
    [Arguments("meta/llama-3:")]
    [Arguments("/llama-3")]
    [Arguments("meta/llama 3")]
    public async Task AMalformedModelIsAClearError(string model)
    {
        FiniteMemoryHttpRegistry.Register();

        var error = await Assert.ThrowsAsync<BackendConfigurationException>(() => Task.FromResult(Create(model)));

        await Assert.That(error!.Option).IsEqualTo("model");
        await Assert.That(error.Message).Contains($"'{model}'");
        await Assert.That(error.Message).Contains("owner/name:version");
    }

    [Test]
    public async Task AWaitOutsideReplicatesLimitIsAClearError()
    {
        FiniteMemoryHttpRegistry.Register();

        var error = await Assert.ThrowsAsync<BackendConfigurationException>(() => Task.FromResult(Create("meta/meta-llama-3-8b-instruct", ("wait", "90"))));

        await Assert.That(error!.Option).IsEqualTo("wait");
        await Assert.That(error.Message).Contains("between 1 and 60");
    }

    [Test]
    [NotInParallel("environment")]
    public async Task AMissingTokenNamesTheEnvironmentVariable()
    {
        var saved = Environment.GetEnvironmentVariable(ReplicateChatClient.ApiKeyVariable);
        Environment.SetEnvironmentVariable(ReplicateChatClient.ApiKeyVariable, null);
        try
        {
            var error = await Assert.ThrowsAsync<BackendConfigurationException>(() =>
                Task.FromResult(new ReplicateChatClient(new ReplicateChatClientOptions { Model = "meta/meta-llama-3-8b-instruct" })));

            await Assert.That(error!.Message).Contains("REPLICATE_API_TOKEN");
        }
        finally
        {
            Environment.SetEnvironmentVariable(ReplicateChatClient.ApiKeyVariable, saved);
        }
    }
}
