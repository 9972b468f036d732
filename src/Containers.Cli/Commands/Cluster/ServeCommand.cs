using System.CommandLine;
using Containers.Errors;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Autoscaling;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Http;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;
using Containers.Orchestration.Store.Etcd;
using Microsoft.Extensions.Logging;

namespace Containers.Cli.Commands.Cluster;

/// <summary>
/// <c>containers cluster serve</c>: the whole control plane in this process, over the embedded store
/// under <c>--root</c> (in <c>cluster/store</c>) or over etcd (<c>--etcd URL</c>): the API server
/// (with its garbage collector, namespace deletion and the end of graceful deletions), serving the
/// Kubernetes API over HTTP on 127.0.0.1 or a unix socket, and the controller manager with every
/// built-in controller, the scheduler and node lifecycle among them, until SIGINT or SIGTERM. The
/// controller manager acts only while it leads: on etcd, several servers may share the state and one
/// of them, elected through an etcd lease, runs the controllers. Every request needs a bearer token
/// from <c>--token-file</c>. No node agent runs here: pods are scheduled onto the nodes registered
/// through the API, and run where those nodes' agents run them.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext cli)
    {
        var etcd = new Option<string?>("--etcd") { Description = "Keep the state in etcd at this URL instead of under --root" };
        var listen = new Option<string?>("--listen") { Description = "The address and port to serve on (default: 127.0.0.1:6443; port 0 picks one)" };
        var socket = new Option<string?>("--socket") { Description = "Serve on this unix socket instead of TCP" };
        var tokens = new Option<string>("--token-file") { Description = "Bearer tokens, one per line: token,user,uid,\"group1,group2\" (kube-apiserver's format)", Required = true };
        var command = new Command("serve", "Run the control plane (API server, controller manager, scheduler) and serve the Kubernetes API") { etcd, listen, socket, tokens };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(listen) is not null && result.GetValue(socket) is not null)
            {
                throw new InvalidArgumentException("give --listen or --socket, not both");
            }

            var authenticator = await StaticTokenFile.LoadAsync(result.GetRequiredValue(tokens), cancellationToken).ConfigureAwait(false);
            var root = Path.GetFullPath(result.GetValue(cli.Root) ?? ContainersPaths.DefaultRoot);
            // ASP.NET Core logs two lines per request at Information, which buries the control plane's own lines.
            using var loggers = LoggerFactory.Create(logging => logging
                .AddSimpleConsole(o => o.SingleLine = true)
                .SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning));
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
                    LeaderElector = store is EtcdStateStore shared ? new EtcdLeaderElector(shared, logger: loggers.CreateLogger<EtcdLeaderElector>()) : null,
                    Http = new ApiHttpServerOptions
                    {
                        Authenticator = authenticator,
                        UnixSocketPath = result.GetValue(socket),
                        Endpoint = ApiHttpServer.ParseEndpoint(result.GetValue(listen) ?? "127.0.0.1:6443"),
                    },
                };

                // No metrics pipeline yet: the autoscaler holds targets within their bounds and says why it cannot do more.
                options.Controllers.Add(manager => manager.AddBuiltInControllers(metrics: NoMetricsSource.Instance));
                var plane = await ControlPlane.StartAsync(store, options, loggerFactory: loggers, cancellationToken: cancellationToken).ConfigureAwait(false);
                await using (plane.ConfigureAwait(false))
                {
                    await cli.Output.WriteLineAsync($"Serving the Kubernetes API on {plane.Http!.Address} (state in {store})").ConfigureAwait(false);
                    var election = store is EtcdStateStore ? "an etcd lease" : "an in-process lock";
                    await cli.Output.WriteLineAsync($"Controller manager (leader election through {election}): {string.Join(", ", plane.Controllers.Names)}").ConfigureAwait(false);
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
