namespace Containers.Benchmarks.Layers;

/// <summary>How much of the benchmark tree the upper side of a diff changed.</summary>
public enum TreeChange
{
    /// <summary>Ten files spread over the tree rewritten (<see cref="BenchmarkTrees.SmallChange"/>).</summary>
    TenFiles,

    /// <summary>Every regular file rewritten with other bytes and a later mtime.</summary>
    EveryFile,
}
