namespace Containers.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => ContainersCli.RunAsync(args, Console.Out, Console.Error);
}
