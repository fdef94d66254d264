using Deror.Cli;

return await DerorCli.RunAsync(args, Console.Out, Console.Error);
