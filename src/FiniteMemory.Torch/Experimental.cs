using System.Diagnostics.CodeAnalysis;

// The whole package is experimental (FM0001): it runs on TorchSharp 0.107.0, whose native library this package
// patches at run time to load on glibc systems with an older libstdc++, it is JIT only, and with no pretrained
// generative model available offline it is tested on small written models only. Its API may change in a minor
// release; opt in with <NoWarn>$(NoWarn);FM0001</NoWarn> or #pragma warning disable FM0001.
[assembly: Experimental("FM0001")]
