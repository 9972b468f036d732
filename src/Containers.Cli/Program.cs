namespace Containers.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        // A container's stdout and stderr are pipes, which .NET reads by blocking a pool thread
        // each; on a 2-core machine they would take the whole pool, and every other step would
        // wait half a second for the pool to grow.
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, 8), completion);
        return ContainersCli.RunAsync(args, Console.Out, Console.Error);
    }
}
