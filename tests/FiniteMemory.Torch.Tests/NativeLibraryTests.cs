using FiniteMemory.Torch.Native;
using FiniteMemory.Testing;

namespace FiniteMemory.Torch.Tests;

public class NativeLibraryTests
{
    [Test]
    public async Task TorchSharpRunsOnThisSystemAndSaysWhetherItNeededThePatchedCopy()
    {
        using var model = TorchDecoder.Load(TestModels.Gpt2Folder);
        await Assert.That(TorchNativeLoader.LoadedPath).IsNotNull();
        await Assert.That(File.Exists(TorchNativeLoader.LoadedPath!)).IsTrue();
        if (TorchNativeLoader.Patched)
        {
            var requirements = ElfVersionPatcher.Requirements(File.ReadAllBytes(TorchNativeLoader.LoadedPath!));
            await Assert.That(requirements.Single(static r => r.Version == "GLIBCXX_3.4.32").Weak).IsTrue();
        }
    }

    [Test]
    public async Task ThePatchMarksOnlyTheNamedVersionWeak()
    {
        var original = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        if (!File.Exists(original))
        {
            original = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        }

        var bytes = File.ReadAllBytes(original);
        var before = ElfVersionPatcher.Requirements(bytes);
        var changed = ElfVersionPatcher.MarkWeak(bytes, new HashSet<string> { "GLIBCXX_3.4.32" });
        var after = ElfVersionPatcher.Requirements(bytes);

        await Assert.That(changed).IsEqualTo(1);
        await Assert.That(after.Count).IsEqualTo(before.Count);
        for (var i = 0; i < after.Count; i++)
        {
            await Assert.That(after[i].Weak).IsEqualTo(before[i].Weak || after[i].Version == "GLIBCXX_3.4.32");
        }

        await Assert.That(ElfVersionPatcher.MarkWeak(bytes, new HashSet<string> { "GLIBCXX_3.4.32" })).IsEqualTo(0);
        await Assert.That(() => ElfVersionPatcher.Requirements(new byte[100])).Throws<InvalidDataException>();
    }
}
