using Containers.Cgroups;

namespace Containers.Core.Tests.Cgroups;

/// <summary>After every cgroup test has run, no <c>containers-test-*</c> cgroup may be left in any hierarchy.</summary>
[SetUpFixture]
public sealed class CgroupLeakCheck
{
    internal const string Prefix = "containers-test-";

    [OneTimeTearDown]
    public void NoTestCgroupIsLeftBehind()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        var leftovers = Leftovers();
        var subtrees = leftovers.SelectMany(d => Directory.GetDirectories(d, "*", SearchOption.AllDirectories).Append(d)).Distinct();
        foreach (var directory in subtrees.OrderByDescending(d => d.Length))
        {
            // Remove them so that one failed run does not fail the next, then fail this one.
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
            }
        }

        Assert.That(leftovers, Is.Empty, "cgroup tests leaked cgroups");
    }

    internal static List<string> Leftovers()
    {
        var layout = CgroupLayout.Current;
        var hierarchies = layout.V1Hierarchies.Concat(layout.Unified is { } u ? [u] : Array.Empty<CgroupHierarchy>());
        var found = new List<string>();
        foreach (var hierarchy in hierarchies)
        {
            foreach (var parent in new[] { hierarchy.MountPoint, hierarchy.DirectoryOf(hierarchy.OwnPath) }.Distinct())
            {
                if (Directory.Exists(parent))
                {
                    found.AddRange(Directory.GetDirectories(parent, Prefix + "*", SearchOption.AllDirectories));
                }
            }
        }

        return found;
    }
}
