using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Http;
using Containers.Orchestration.Tests.Store.Etcd;

namespace Containers.Cli.Tests.Commands.Cluster;

/// <summary>
/// Two <c>containers cluster serve</c> processes on one etcd: both serve the API, but only the one
/// holding the etcd lease runs the controllers; the other waits, and takes over when the first stops.
/// </summary>
[NonParallelizable]
public sealed class ServeLeaderElectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string Manifests => Path.Combine(TestContext.CurrentContext.TestDirectory, "Manifests");

    [Test]
    public async Task TwoServersOnOneEtcd_OneRunsTheControllers_TheOtherTakesOverWhenItStops()
    {
        if (!EtcdServer.IsInstalled)
        {
            Assert.Ignore($"needs etcd ({EtcdServer.Binary}): apt-get install etcd-server");
        }

        await using var etcd = await EtcdServer.StartAsync();
        var root = Directory.CreateTempSubdirectory("cluster-etcd-").FullName;
        try
        {
            var tokens = Path.Combine(root, "tokens.csv");
            await File.WriteAllTextAsync(tokens, $"{InProcessServe.Token},admin,1,\"system:masters\"\n");
            using var first = Serve(etcd, root, tokens);
            // Each process campaigns twice (its controller manager, its API server's own controllers),
            // in either order: its identities end in -1 and -2.
            var firstIdentity = $"{Environment.MachineName}-{first.Pid}-";
            await first.WaitForOutputAsync($"Leading controller-manager as {firstIdentity}", Timeout);
            await first.WaitForOutputAsync($"built-in controllers lead under {ApiServer.ControllersLeaderElectionName} as {firstIdentity}", Timeout);
            using var second = Serve(etcd, root, tokens);
            await second.WaitForOutputAsync($"waits to lead controller-manager: {firstIdentity}", Timeout);
            await second.WaitForOutputAsync("Serving the Kubernetes API on ", Timeout);
            using var client = new HttpApiClient(new Uri(AddressOf(second.Stdout)), InProcessServe.Token);

            // Written through the second server, carried out by the first one's controllers.
            var apply = await Cluster(client, "apply", "-f", Path.Combine(Manifests, "deployment-nginx.yaml"));
            Assert.That(apply.Code, Is.EqualTo(0), apply.Stderr);
            await PodsAsync(client, 3);
            Assert.That(second.Stdout, Does.Not.Contain("Leading controller-manager"));
            Assert.That(second.Stdout, Does.Not.Contain("built-in controllers lead"), "one garbage collector for the store, the leader's");

            first.Signal(15);
            Assert.That(await first.WaitForExitAsync(Timeout), Is.EqualTo(0), first.Stderr);
            await second.WaitForOutputAsync($"Leading controller-manager as {Environment.MachineName}-{second.Pid}-", Timeout);
            await second.WaitForOutputAsync($"built-in controllers lead under {ApiServer.ControllersLeaderElectionName} as {Environment.MachineName}-{second.Pid}-", Timeout);
            var scale = await Cluster(client, "scale", "deployment/web-deployment", "--replicas", "4");
            Assert.That(scale.Code, Is.EqualTo(0), scale.Stderr);
            await PodsAsync(client, 4);

            second.Signal(15);
            Assert.That(await second.WaitForExitAsync(Timeout), Is.EqualTo(0), second.Stderr);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static CliProcess Serve(EtcdServer etcd, string root, string tokens) =>
        CliProcess.Start("--root", Path.Combine(root, "state"), "cluster", "serve", "--etcd", etcd.ClientUrl, "--listen", "127.0.0.1:0", "--token-file", tokens);

    private static string AddressOf(string output)
    {
        var start = output.IndexOf("http://", output.IndexOf("Serving the Kubernetes API on ", StringComparison.Ordinal), StringComparison.Ordinal);
        return output[start..output.IndexOf(' ', start)].TrimEnd('/');
    }

    private static Task<(int Code, string Stdout, string Stderr)> Cluster(HttpApiClient client, params string[] args) =>
        CliRunner.RunAsync(["cluster", .. args, "--server", client.Server.ToString().TrimEnd('/'), "--token", InProcessServe.Token]);

    private static Task<List<Pod>> PodsAsync(HttpApiClient client, int count) =>
        Eventually.UntilAsync(
            async () => (await client.ListAsync(client.Registry.Get<Pod>(), "default")).Items.Cast<Pod>().ToList(),
            pods => pods.Count == count,
            $"{count} pods of the deployment",
            pods => $"{pods.Count} pods");
}
