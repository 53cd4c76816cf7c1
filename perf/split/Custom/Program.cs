using FiniteMemory.Backends;
using Split;

// Custom backend: the window goes to the app's own IChatClient, created by name from the generated registry.
using var backend = ChatBackends.Create(EchoChatClient.BackendName, new BackendSettings());
var session = Conversation.Start(backend);
var reply = await session.ChatAsync(Conversation.Question).ConfigureAwait(false);
return Conversation.Report("custom", session.LastWindow!, reply.Text);
