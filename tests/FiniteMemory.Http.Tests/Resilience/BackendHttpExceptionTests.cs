using System.Net;
using System.Text;
using FiniteMemory.Backends;

namespace FiniteMemory.Http.Tests.Resilience;

public class BackendHttpExceptionTests
{
    private const string Key = "sk-ant-api03-SECRETSECRETSECRET";

    private static HttpResponseMessage Response(HttpStatusCode status, string body, string? reason = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (reason is not null)
        {
            response.ReasonPhrase = reason;
        }

        return response;
    }

    [Test]
    public async Task AnAnthropicErrorNamesTheStatusTheProviderMessageAndTheVariableButNotTheKey()
    {
        using var response = Response(HttpStatusCode.Unauthorized, $$$"""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key {{{Key}}}"}}""", "Unauthorized");
        response.Headers.Add("request-id", "req_011CUz");

        var error = await BackendHttpException.FromResponseAsync("Anthropic", response, new SecretRedactor(Key), "ANTHROPIC_API_KEY", CancellationToken.None);

        await Assert.That(error.Message).IsEqualTo("Anthropic returned 401 Unauthorized: invalid x-api-key [redacted]. Check ANTHROPIC_API_KEY. (request id req_011CUz)");
        await Assert.That(error.Message).DoesNotContain(Key);
        await Assert.That(error.ProviderMessage).IsEqualTo("invalid x-api-key [redacted]");
        await Assert.That(error.StatusCode).IsEqualTo(401);
        await Assert.That(error.RequestId).IsEqualTo("req_011CUz");
        await Assert.That(error.Provider).IsEqualTo("Anthropic");
    }

    [Test]
    [Arguments("""{"message":"invalid api token"}""", "invalid api token")]
    [Arguments("""{"detail":"Invalid version or not permitted"}""", "Invalid version or not permitted")]
    [Arguments("""{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}""", "API key not valid. Please pass a valid API key.")]
    [Arguments("""[{"error":{"code":429,"message":"Resource exhausted"}}]""", "Resource exhausted")]
    [Arguments("""{"error":"model not found"}""", "model not found")]
    public async Task TheProviderMessageIsFoundInEachProvidersErrorShape(string body, string expected)
    {
        using var response = Response(HttpStatusCode.BadRequest, body);

        var error = await BackendHttpException.FromResponseAsync("P", response, CancellationToken.None);

        await Assert.That(error.ProviderMessage).IsEqualTo(expected);
        await Assert.That(error.Message).StartsWith($"P returned 400 Bad Request: {expected}");
    }

    [Test]
    public async Task ABodyWithoutAMessageFallsBackToTheStatusLine()
    {
        using var response = Response(HttpStatusCode.BadGateway, "<html>bad gateway</html>");

        var error = await BackendHttpException.FromResponseAsync("Gemini", response, CancellationToken.None);

        await Assert.That(error.Message).IsEqualTo("Gemini returned 502 Bad Gateway.");
        await Assert.That(error.ProviderMessage).IsNull();
    }

    [Test]
    [NotInParallel("environment")]
    public async Task AnApiKeyComesFromSettingsThenTheVariablesInOrder()
    {
        const string first = "FMEM_TEST_KEY_FIRST", second = "FMEM_TEST_KEY_SECOND";
        try
        {
            Environment.SetEnvironmentVariable(first, null);
            Environment.SetEnvironmentVariable(second, "from-second");
            await Assert.That(ApiKeys.Resolve(null, "Gemini", first, second)).IsEqualTo("from-second");
            Environment.SetEnvironmentVariable(first, "from-first");
            await Assert.That(ApiKeys.Resolve(" ", "Gemini", first, second)).IsEqualTo("from-first");
            await Assert.That(ApiKeys.Resolve("configured", "Gemini", first, second)).IsEqualTo("configured");

            Environment.SetEnvironmentVariable(first, null);
            Environment.SetEnvironmentVariable(second, null);
            var error = Assert.Throws<BackendConfigurationException>(() => ApiKeys.Resolve(null, "Gemini", first, second));
            await Assert.That(error!.Message).IsEqualTo($"No API key for Gemini: set {first} or {second} (or pass one in BackendSettings.ApiKey / fmem --api-key-env).");
        }
        finally
        {
            Environment.SetEnvironmentVariable(first, null);
            Environment.SetEnvironmentVariable(second, null);
        }
    }

    [Test]
    public async Task TheRedactorScrubsEveryOccurrenceOfEveryKey()
    {
        var redactor = new SecretRedactor("abcdef123456", null, "", "xyz", "zzzzzz9");

        await Assert.That(redactor.Redact("key abcdef123456 and abcdef123456, zzzzzz9 xyz")).IsEqualTo("key [redacted] and [redacted], [redacted] xyz");
    }
}
