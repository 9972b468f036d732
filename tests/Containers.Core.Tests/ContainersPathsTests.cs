namespace Containers.Core.Tests;

[NonParallelizable]
public sealed class ContainersPathsTests
{
    [Test]
    public void DefaultRoot_NeverClashesWithDockerOrPodman()
    {
        var root = ContainersPaths.DefaultRoot.TrimEnd('/');

        Assert.That(root, Is.Not.EqualTo("/var/lib/docker").And.Not.EqualTo("/var/lib/containers").And.Not.StartWith("/var/lib/containers/"));
    }

    [Test]
    public void DefaultRoot_FollowsTheEnvironmentVariable()
    {
        var previous = Environment.GetEnvironmentVariable(ContainersPaths.RootVariable);
        try
        {
            Environment.SetEnvironmentVariable(ContainersPaths.RootVariable, "/srv/ctr");

            Assert.That(ContainersPaths.Content, Is.EqualTo("/srv/ctr/content"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ContainersPaths.RootVariable, previous);
        }
    }
}
