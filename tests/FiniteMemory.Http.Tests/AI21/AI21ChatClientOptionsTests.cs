using FiniteMemory.Backends;
using FiniteMemory.Generated;
using FiniteMemory.Http.AI21;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Tests.AI21;

/// <summary>Creating the ai21 backend from configuration, and the errors a user can cause.</summary>
public class AI21ChatClientOptionsTests
{
    [Test]
    public async Task TheRegistryCreatesTheBackendByNameWithBoundOptions()
    {
        FiniteMemoryHttpRegistry.Register();

        await Assert.That(ChatBackends.TryGet("ai21", out var registration)).IsTrue();
        await Assert.That(registration!.Description).Contains("Jamba");
        await Assert.That(registration.Options).Contains("MaxRetries");
        using var client = ChatBackends.Create("ai21", new BackendSettings
        {
            Model = "jamba-large",
            ApiKey = "configured-key-123456",
            Endpoint = new Uri("http://127.0.0.1:9/"),
            Options = new Dictionary<string, string> { ["max-retries"] = "0" },
        });

        await Assert.That(client).IsTypeOf<AI21ChatClient>();
        var metadata = client.GetService<ChatClientMetadata>()!;
        await Assert.That(metadata.DefaultModelId).IsEqualTo("jamba-large");
        await Assert.That(metadata.ProviderUri).IsEqualTo(new Uri("http://127.0.0.1:9/"));
    }

    [Test]
    public async Task AMissingModelIsAClearError()
    {
        var error = await Assert.ThrowsAsync<BackendConfigurationException>(() =>
            Task.FromResult(new AI21ChatClient(new AI21ChatClientOptions { ApiKey = "configured-key-123456" })));

        await Assert.That(error!.Option).IsEqualTo("model");
        await Assert.That(error.Message).Contains("jamba-mini");
    }

    [Test]
    [NotInParallel("environment")]
    public async Task AMissingKeyNamesTheEnvironmentVariable()
    {
        var saved = Environment.GetEnvironmentVariable(AI21ChatClient.ApiKeyVariable);
        Environment.SetEnvironmentVariable(AI21ChatClient.ApiKeyVariable, null);
        try
        {
            var error = await Assert.ThrowsAsync<BackendConfigurationException>(() =>
                Task.FromResult(new AI21ChatClient(new AI21ChatClientOptions { Model = "jamba-mini" })));

            await Assert.That(error!.Message).Contains("AI21_API_KEY");
        }
        finally
        {
            Environment.SetEnvironmentVariable(AI21ChatClient.ApiKeyVariable, saved);
        }
    }

    [Test]
    [NotInParallel("environment")]
    public async Task TheKeyIsReadFromTheEnvironmentVariable()
    {
        var saved = Environment.GetEnvironmentVariable(AI21ChatClient.ApiKeyVariable);
        Environment.SetEnvironmentVariable(AI21ChatClient.ApiKeyVariable, "env-key-abcdef");
        try
        {
            await using var server = await Fakes.FakeServer.StartAsync(Fakes.FakeResponse.Json(AI21Fixture.Completion("ok")));
            using var client = new AI21ChatClient(new AI21ChatClientOptions { Model = "jamba-mini", Endpoint = server.BaseAddress });

            await client.GetResponseAsync("Hi");

            await Assert.That(server.Requests.Single().Header("Authorization")).IsEqualTo("Bearer env-key-abcdef");
        }
        finally
        {
            Environment.SetEnvironmentVariable(AI21ChatClient.ApiKeyVariable, saved);
        }
    }

    [Test]
    public async Task AnImageIsRefusedWithAClearError()
    {
        using var client = new AI21ChatClient(new AI21ChatClientOptions { Model = "jamba-mini", ApiKey = "configured-key-123456", Endpoint = new Uri("http://127.0.0.1:9/") });
        var message = new ChatMessage(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync([message]));

        await Assert.That(error!.Message).Contains("text only");
    }
}
