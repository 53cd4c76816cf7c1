using FiniteMemory.Backends;
using Split;

// Hosted APIs: the first window goes to the openai backend, created by name, at the endpoint given (a loopback fake).
if (args.Length != 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out var endpoint))
{
    Console.Error.WriteLine("Usage: Hosted <endpoint of an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1>");
    return 2;
}

using var backend = ChatBackends.Create("openai", new BackendSettings
{
    Model = "gpt-4o-mini",
    Endpoint = endpoint,
    ApiKey = "sk-package-split",
    Options = new Dictionary<string, string> { ["max-retries"] = "0" },
});
var session = Conversation.Start(backend);
var reply = await session.ChatAsync(Conversation.Question).ConfigureAwait(false);
return Conversation.Report("hosted", session.LastWindow!, reply.Text);
