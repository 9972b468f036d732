using System.CommandLine;

namespace Containers.Cli.Commands;

/// <summary>The docker-shaped top-level commands, by name, each built only when it is the one asked for.</summary>
internal static class DockerCommands
{
    public static (string Name, Func<Command> Create)[] All(CliContext cli) =>
    [
        ("run", () => RunCommand.Run(cli)),
        ("create", () => RunCommand.Create(cli)),
        ("ps", () => PsCommand.Create(cli)),
        ("start", () => LifecycleCommands.Start(cli)),
        ("stop", () => LifecycleCommands.Stop(cli)),
        ("restart", () => LifecycleCommands.Restart(cli)),
        ("kill", () => LifecycleCommands.Kill(cli)),
        ("rm", () => LifecycleCommands.Remove(cli)),
        ("wait", () => LifecycleCommands.Wait(cli)),
        ("logs", () => LogsCommand.Create(cli)),
        ("inspect", () => InspectCommand.Create(cli)),
        ("exec", () => ExecCommand.Create(cli)),
        ("stats", () => StatsCommand.Create(cli)),
        ("cp", () => CopyCommand.Create(cli)),
        ("commit", () => CommitCommand.Create(cli)),
        ("build", () => BuildCommand.Create(cli)),
        ("export", () => ArchiveCommands.Export(cli)),
        ("images", () => ImageCommands.Images(cli)),
        ("rmi", () => ImageCommands.Remove(cli)),
        ("tag", () => ImageCommands.Tag(cli)),
        ("pull", () => RegistryCommands.Pull(cli)),
        ("push", () => RegistryCommands.Push(cli)),
        ("import", () => ArchiveCommands.Import(cli)),
        ("save", () => ArchiveCommands.Save(cli)),
        ("load", () => ArchiveCommands.Load(cli)),
        ("login", () => LoginCommands.Login(cli)),
        ("logout", () => LoginCommands.Logout(cli)),
        ("network", () => NetworkCommand.Create(cli)),
        ("volume", () => VolumeCommand.Create(cli)),
        (ContainerSupervisor.CommandName, () => SuperviseCommand.Create(cli)),
    ];
}
