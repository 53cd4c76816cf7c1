using System.Runtime.InteropServices;
using FiniteMemory.Cli;

// SIGINT and SIGTERM are handled here rather than by System.CommandLine, which cancels the same way on both: a
// script or supervisor must be able to tell "interrupted" (130) from "terminated" (143) by the exit code.
using var interrupt = new CancellationTokenSource();
var signalled = 0;
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

var run = FmemApp.RunAsync(args, null, Console.Out, Console.Error, handleSignals: false, interrupt.Token);

// A command blocked where cancellation cannot reach (an interactive read of the terminal) is given two seconds
// after the signal, as System.CommandLine gives it; then fmem exits without it.
var signalledTask = Task.Delay(Timeout.Infinite, interrupt.Token).ContinueWith(_ => Task.Delay(TimeSpan.FromSeconds(2)), TaskScheduler.Default).Unwrap();
if (await Task.WhenAny(run, signalledTask).ConfigureAwait(false) != run)
{
    // Never in the middle of saving a completed turn, though: its answer was printed, and the save ends by itself.
    while (!run.IsCompleted && Volatile.Read(ref FmemApp.SavesInProgress) > 0)
    {
        await Task.WhenAny(run, Task.Delay(50)).ConfigureAwait(false);
    }

    if (!run.IsCompleted)
    {
        return Volatile.Read(ref signalled);
    }
}

var code = await run.ConfigureAwait(false);
return code == FmemApp.Interrupted && Volatile.Read(ref signalled) == FmemApp.Terminated ? FmemApp.Terminated : code;

void OnSignal(PosixSignalContext context)
{
    // The first signal cancels the command; a second one is left to its default action and ends fmem at once.
    if (Interlocked.CompareExchange(ref signalled, context.Signal == PosixSignal.SIGTERM ? FmemApp.Terminated : FmemApp.Interrupted, 0) == 0)
    {
        context.Cancel = true;
        interrupt.Cancel();
    }
}
