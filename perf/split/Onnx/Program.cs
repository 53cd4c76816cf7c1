using FiniteMemory.Onnx.Embeddings;
using Microsoft.Extensions.AI;
using Split;

// Local ONNX: the first window is built by the semantic policy with the offline MiniLM embedder (every message is
// embedded once); no chat model is called.
using var embedder = new MiniLmEmbedder();
var session = Conversation.Start(chatClient: null, embedder);
session.Add(new ChatMessage(ChatRole.User, Conversation.Question));
var window = await session.PrepareAsync().ConfigureAwait(false);
return Conversation.Report("onnx", window);
