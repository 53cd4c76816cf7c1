using FiniteMemory.Local;
using FiniteMemory.Torch;
using LazyLoad;
using Microsoft.ML.Tokenizers;
using Split;

// Local Torch: the first window goes to a Torch backend (TorchSharp, libtorch on the CPU) over a tiny GPT-2, which
// answers 3 tokens. The model is written into the folder given on the first run (its answers mean nothing; what is
// measured is what loading and running a local model costs a start).
if (args.Length != 1)
{
    Console.Error.WriteLine("Usage: Torch <model folder (written if it holds no model.safetensors)>");
    return 2;
}

if (!File.Exists(Path.Combine(args[0], "model.safetensors")))
{
    TinyGpt2.Write(args[0], positions: 2048);
}

using var backend = TorchBackends.Create(args[0], new LocalChatClientOptions { DefaultMaxOutputTokens = 3 }, TiktokenTokenizer.CreateForModel("gpt2"));
var session = Conversation.Start(backend);
var reply = await session.ChatAsync(Conversation.Question).ConfigureAwait(false);
return Conversation.Report("torch", session.LastWindow!, reply.Text);
