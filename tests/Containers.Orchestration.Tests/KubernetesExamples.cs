namespace Containers.Orchestration.Tests;

/// <summary>
/// Where the Kubernetes documentation's example manifests are on this machine: the directory
/// <c>KUBERNETES_EXAMPLES_DIR</c> names, else <c>../shared/kubernetes-examples</c> beside the
/// repository root (the folder holding Containers.sln). They are not kept in this repository;
/// Manifests/README.md says what the shared copy holds and where it came from.
/// </summary>
internal static class KubernetesExamples
{
    public const string EnvironmentVariable = "KUBERNETES_EXAMPLES_DIR";

    /// <summary>The examples directory, or null with the reason none was found.</summary>
    public static string? Find(out string reason)
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            reason = $"{EnvironmentVariable} names \"{configured}\", which is not a directory: point it at the Kubernetes documentation's example manifests";
            return Directory.Exists(configured) ? configured : null;
        }

        var root = RepositoryRoot(TestContext.CurrentContext.TestDirectory);
        var shared = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "kubernetes-examples"));
        reason = shared is null
            ? $"no Containers.sln above {TestContext.CurrentContext.TestDirectory} and {EnvironmentVariable} is not set: set it to a directory of the Kubernetes documentation's example manifests"
            : $"neither {EnvironmentVariable} nor {shared} exists: set {EnvironmentVariable} to a directory of the Kubernetes documentation's example manifests";
        return shared is not null && Directory.Exists(shared) ? shared : null;
    }

    private static string? RepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Containers.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
