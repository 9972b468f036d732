using System.CommandLine;
using Containers.Errors;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Http;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;
using Containers.Orchestration.Store.Etcd;
using Microsoft.Extensions.Logging;

namespace Containers.Cli.Commands.Cluster;

/// <summary>
/// <c>containers cluster serve</c>: the control plane in this process (API server with its garbage
/// collector and namespace controller, controller manager) over the embedded store under
/// <c>--root</c> (in <c>cluster/store</c>) or over etcd (<c>--etcd URL</c>), serving the Kubernetes API over HTTP on 127.0.0.1 or a unix socket, until SIGINT
/// or SIGTERM. Every request needs a bearer token from <c>--token-file</c>.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext cli)
    {
        var etcd = new Option<string?>("--etcd") { Description = "Keep the state in etcd at this URL instead of under --root" };
        var listen = new Option<string?>("--listen") { Description = "The address and port to serve on (default: 127.0.0.1:6443; port 0 picks one)" };
        var socket = new Option<string?>("--socket") { Description = "Serve on this unix socket instead of TCP" };
        var tokens = new Option<string>("--token-file") { Description = "Bearer tokens, one per line: token,user,uid,\"group1,group2\" (kube-apiserver's format)", Required = true };
        var command = new Command("serve", "Run the control plane and serve the Kubernetes API") { etcd, listen, socket, tokens };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(listen) is not null && result.GetValue(socket) is not null)
            {
                throw new InvalidArgumentException("give --listen or --socket, not both");
            }

            var authenticator = await StaticTokenFile.LoadAsync(result.GetRequiredValue(tokens), cancellationToken).ConfigureAwait(false);
            var root = Path.GetFullPath(result.GetValue(cli.Root) ?? ContainersPaths.DefaultRoot);
            using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            var etcdUrl = result.GetValue(etcd);
            IStateStore store = etcdUrl is null
                ? await EmbeddedStateStore.OpenAsync(
                    new EmbeddedStateStoreOptions { DataDirectory = Path.Combine(root, "cluster", "store") },
                    logger: loggers.CreateLogger<EmbeddedStateStore>(),
                    cancellationToken: cancellationToken).ConfigureAwait(false)
                : await EtcdStateStore.ConnectAsync(new EtcdStateStoreOptions { Endpoints = etcdUrl }, logger: loggers.CreateLogger<EtcdStateStore>(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (store.ConfigureAwait(false))
            {
                var options = new ControlPlaneOptions
                {
                    // On etcd, several servers may share the state: one controller manager acts.
                    LeaderElector = store is EtcdStateStore shared ? new EtcdLeaderElector(shared) : null,
                    Http = new ApiHttpServerOptions
                    {
                        Authenticator = authenticator,
                        UnixSocketPath = result.GetValue(socket),
                        Endpoint = ApiHttpServer.ParseEndpoint(result.GetValue(listen) ?? "127.0.0.1:6443"),
                    },
                };
                var plane = await ControlPlane.StartAsync(store, options, loggerFactory: loggers, cancellationToken: cancellationToken).ConfigureAwait(false);
                await using (plane.ConfigureAwait(false))
                {
                    await cli.Output.WriteLineAsync($"Serving the Kubernetes API on {plane.Http!.Address} (state in {store})").ConfigureAwait(false);
                    await cli.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // SIGINT or SIGTERM: stop cleanly.
                    }
                }
            }

            return 0;
        });
        return command;
    }
}
