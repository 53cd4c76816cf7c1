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

        if (args is ["torch-cold-load", .. var rest])
        {
            return ColdLoad.Run(rest is [var t] ? int.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : null);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
