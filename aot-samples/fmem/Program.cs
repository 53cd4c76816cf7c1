using FiniteMemory.Cli;

return await FmemApp.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
