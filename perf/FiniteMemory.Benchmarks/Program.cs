using BenchmarkDotNet.Running;

namespace FiniteMemory.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["make-transcript", var count, var path])
        {
            return TranscriptWriter.Write(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), path);
        }

        if (args is ["torch-cold-load"])
        {
            return ColdLoad.Run();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
