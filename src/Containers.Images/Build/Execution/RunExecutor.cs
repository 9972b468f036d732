using System.Security.Cryptography;
using System.Text;
using Containers.Errors;
using Containers.Images.Build.Dockerfile;
using Containers.Images.Build.Steps;
using Containers.Images.Content;
using Containers.Images.Engine;
using Containers.Images.Engine.Networking;
using Containers.Images.Snapshots;
using Containers.Linux;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Spec;
using Microsoft.Extensions.Logging;

namespace Containers.Images.Build.Execution;

/// <summary>
/// Runs a <c>RUN</c> step: a container on a writable snapshot of the state's layers (with the
/// mount targets below it, see <see cref="MountTargets"/>), through the engine's runtime and with
/// the state's env, working directory, user and shell; then the snapshot's changes, read as the
/// engine's commit reads them, become the step's layer. Not an engine container: a step has no
/// record, log or name, and dies with the build (its shim removes its mount and files if the build
/// process is killed). A step that changes nothing gives no layer.
/// </summary>
internal sealed partial class RunExecutor(ContainerEngine engine, BuildFilesystems filesystems, IContentStore store, Func<Digest, CancellationToken, Task> hold, string cacheMountsRoot, ILogger logger)
{
    /// <summary>How many lines of a failed command's output its error quotes.</summary>
    public const int TailLines = 20;

    /// <summary>How many step containers this executor has created (a warm rebuild creates none).</summary>
    public int ContainersCreated => _created;

    private int _created;

    /// <summary>Runs <paramref name="step"/> on <paramref name="state"/>; returns its layer, or null when it changed no file.</summary>
    /// <exception cref="BuildStepFailedException">The command did not exit with 0.</exception>
    public async Task<ILayer?> RunAsync(BuildState state, RunStep step, IProgress<string>? output, CancellationToken cancellationToken)
    {
        var snapshotter = filesystems.Snapshotter;
        var parent = await filesystems.EnsureSnapshotAsync(state, cancellationToken).ConfigureAwait(false);
        List<(string Path, bool IsFile)> targets = [.. MountTargets.Standard, .. step.Mounts.Select(m => (m.Target, m is BindStepMount bind && !Directory.Exists(bind.HostPath)))];
        var below = await MountTargets.EnsureAsync(filesystems, parent, targets, cancellationToken).ConfigureAwait(false);

        var id = $"build-{RandomNumberGenerator.GetHexString(24, lowercase: true)}";
        var bundle = filesystems.NewPath("run");
        var rootfs = Path.Combine(bundle, "rootfs");
        var key = $"{BuildFilesystems.KeyPrefix}run-{id}";
        Directory.CreateDirectory(rootfs);
        try
        {
            var mounts = await snapshotter.PrepareAsync(key, below, BuildFilesystems.OwnerLabels, cancellationToken).ConfigureAwait(false);
            try
            {
                SnapshotMounter.MountAll(mounts, rootfs);
                ExitStatus status;
                IReadOnlyList<string> tail;
                try
                {
                    (status, tail) = await RunContainerAsync(state, step, id, bundle, rootfs, key, output, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    SnapshotMounter.UnmountAll(rootfs);
                }

                if (status.ExitCode != 0)
                {
                    throw new BuildStepFailedException(step.Description, status.ExitCode, tail);
                }

                var scratch = Path.Combine(bundle, "diff");
                return await LayerBlobs.WriteAsync(store, state.MediaType.IsDocker, hold, writer => SnapshotDiff.WriteAsync(snapshotter, key, writer, scratch, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            BuildFilesystems.DeleteTree(bundle);
        }
    }

    private async Task<(ExitStatus Status, IReadOnlyList<string> Tail)> RunContainerAsync(
        BuildState state, RunStep step, string id, string bundle, string rootfs, string snapshotKey, IProgress<string>? output, CancellationToken cancellationToken)
    {
        var config = state.Config;
        var user = ImageConfigMerge.ResolveUser(config.User, RootfsFiles.ReadText(rootfs, "/etc/passwd"), RootfsFiles.ReadText(rootfs, "/etc/group"));
        var workingDir = ImageConfigMerge.WorkingDir(config.WorkingDir, null);
        RootfsFiles.EnsureDirectory(rootfs, workingDir);
        var hostname = id[^12..];
        var network = step.Network;
        var etc = await ContainerEtcFiles.WriteAsync(bundle, new ContainerNetworking { Network = network, Hostname = hostname }, readOnly: false, cancellationToken).ConfigureAwait(false);

        await using var stepMounts = new StepMounts(bundle);
        var extra = new List<OciMount>();
        foreach (var mount in step.Mounts)
        {
            extra.Add(await stepMounts.AddAsync(mount, cacheMountsRoot, cancellationToken).ConfigureAwait(false));
        }

        var defaults = OciSpecDefaults.Create();
        var linux = defaults.Linux!;
        var spec = defaults with
        {
            Process = defaults.Process! with
            {
                Terminal = false,
                Args = step.Args,
                Env = ImageConfigMerge.Env(config.Env, step.Env, hostname, user.Home),
                Cwd = workingDir,
                User = new OciUser { Uid = user.Uid, Gid = user.Gid, AdditionalGids = user.AdditionalGids.Count > 0 ? user.AdditionalGids : null },
                Capabilities = ContainerEngine.CapabilitiesFor(user.Uid),
            },
            Root = new OciRoot { Path = rootfs, Readonly = false },
            Hostname = hostname,
            Mounts = [.. defaults.Mounts ?? [], .. etc, .. extra],
            Linux = linux with { Namespaces = network == NetworkModes.Host ? linux.Namespaces?.Where(n => n.Type != "network").ToArray() : linux.Namespaces },
        };
        await OciSpecs.SaveAsync(spec, bundle, cancellationToken: cancellationToken).ConfigureAwait(false);

        var runtime = engine.Runtime;
        var request = new ContainerCreateRequest(id, bundle)
        {
            Stdio = StdioMode.Pipes,
            DieWithOwner = true,
            OwnerDeathCleanup = await OwnerDeathCleanupAsync(bundle, rootfs, snapshotKey, cancellationToken).ConfigureAwait(false),
        };
        var created = await runtime.CreateAsync(request, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _created);
        Log.StepContainerCreated(logger, id, step.Description);
        IAsyncDisposable? bridge = null;
        try
        {
            if (network == NetworkModes.Bridge)
            {
                bridge = await engine.ConnectToDefaultBridgeAsync(created.Pid, id, hostname, cancellationToken).ConfigureAwait(false);
            }

            var tail = new OutputTail(TailLines);
            if (created.Io.StandardInput is { } stdin)
            {
                // As Docker's RUN: nothing on stdin.
                await stdin.DisposeAsync().ConfigureAwait(false);
            }

            await runtime.StartAsync(id, cancellationToken).ConfigureAwait(false);
            var pumps = Task.WhenAll(PumpAsync(created.Io.StandardOutput, tail, output), PumpAsync(created.Io.StandardError, tail, output));
            var status = await runtime.WaitAsync(id, cancellationToken).ConfigureAwait(false);
            await pumps.WaitAsync(cancellationToken).ConfigureAwait(false);
            return (status, tail.Lines);
        }
        finally
        {
            try
            {
                await runtime.DeleteAsync(id, force: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
            }

            if (bridge is not null)
            {
                await bridge.DisposeAsync().ConfigureAwait(false);
            }

            await created.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>What the shim removes should the build process die during the step: the rootfs mount, the bundle and the snapshot's files.</summary>
    private async Task<OwnerDeathCleanup> OwnerDeathCleanupAsync(string bundle, string rootfs, string snapshotKey, CancellationToken cancellationToken)
    {
        var snapshot = filesystems.Snapshotter is ISnapshotDirectory files ? await files.DirectoryOfAsync(snapshotKey, cancellationToken).ConfigureAwait(false) : null;
        return new OwnerDeathCleanup { Unmount = [rootfs], Remove = snapshot is null ? [bundle] : [bundle, snapshot] };
    }

    private static async Task PumpAsync(Stream? stream, OutputTail tail, IProgress<string>? output)
    {
        if (stream is null)
        {
            return;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                tail.Add(line);
                output?.Report(line);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            // The step was cancelled and its pipes closed under the reader.
        }
    }

    /// <summary>The last lines of a step's output, stdout and stderr as they came.</summary>
    private sealed class OutputTail(int capacity)
    {
        private readonly Queue<string> _lines = new();

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }
    }

    /// <summary>The host side of a step's <c>--mount</c>s: cache directories and their locks, throwaway layers over writable binds.</summary>
    private sealed class StepMounts(string bundle) : IAsyncDisposable
    {
        private readonly List<IDisposable> _locks = [];
        private readonly List<string> _overlays = [];

        public async Task<OciMount> AddAsync(RunStepMount mount, string cacheRoot, CancellationToken cancellationToken)
        {
            switch (mount)
            {
                case BindStepMount { ReadOnly: true } bind:
                    return Bind(mount.Target, bind.HostPath, readOnly: true);
                case BindStepMount bind:
                    return Bind(mount.Target, Throwaway(bind.HostPath), readOnly: false);
                case CacheStepMount cache:
                    return Bind(mount.Target, await CacheDirectoryAsync(cache, cacheRoot, cancellationToken).ConfigureAwait(false), cache.ReadOnly);
                case TmpfsStepMount tmpfs:
                    return new OciMount
                    {
                        Destination = tmpfs.Target,
                        Type = "tmpfs",
                        Source = "tmpfs",
                        Options = tmpfs.SizeLimit is { } size ? ["nosuid", "nodev", $"size={size}"] : ["nosuid", "nodev"],
                    };
                default:
                    throw new InvalidArgumentException($"mount of {mount.Target} is of a kind this builder cannot make");
            }
        }

        public ValueTask DisposeAsync()
        {
            foreach (var overlay in _overlays)
            {
                SnapshotMounter.UnmountAll(overlay);
            }

            foreach (var held in _locks)
            {
                held.Dispose();
            }

            return ValueTask.CompletedTask;
        }

        private static OciMount Bind(string target, string source, bool readOnly) => new()
        {
            Destination = target,
            Type = "bind",
            Source = source,
            Options = readOnly ? ["rbind", "rprivate", "ro"] : ["rbind", "rprivate"],
        };

        /// <summary>A writable copy of <paramref name="source"/> whose writes the step discards: an overlay on a directory, a copy of a file.</summary>
        private string Throwaway(string source)
        {
            var n = _overlays.Count + _locks.Count;
            var root = Path.Combine(bundle, $"mount-{n}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(root);
            if (!Directory.Exists(source))
            {
                var copy = Path.Combine(root, "file");
                File.Copy(source, copy);
                return copy;
            }

            var upper = Directory.CreateDirectory(Path.Combine(root, "upper")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
            var merged = Directory.CreateDirectory(Path.Combine(root, "merged")).FullName;
            SnapshotMounter.MountAll([new Mounts.Mount("overlay", "overlay", string.Empty, [$"lowerdir={source}", $"upperdir={upper}", $"workdir={work}"])], merged);
            _overlays.Add(merged);
            return merged;
        }

        /// <summary>The cache's directory under the builder's root, made on first use with its owner and mode, and held as its sharing says.</summary>
        private async Task<string> CacheDirectoryAsync(CacheStepMount cache, string cacheRoot, CancellationToken cancellationToken)
        {
            var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cache.Id)))[..32];
            var directory = Path.Combine(cacheRoot, name);
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(cacheRoot);
                var staging = Path.Combine(cacheRoot, $".new-{Guid.NewGuid():N}");
                Directory.CreateDirectory(staging);
                File.SetUnixFileMode(staging, (UnixFileMode)(cache.Mode & 0xFFF));
                using (var handle = PosixFs.OpenDirectory(staging))
                {
                    PosixFs.ChangeOwner(handle, cache.Uid, cache.Gid);
                }

                try
                {
                    Directory.Move(staging, directory);
                }
                catch (IOException)
                {
                    // Another build made it first.
                    Directory.Delete(staging);
                }
            }

            switch (cache.Sharing)
            {
                case CacheSharing.Locked:
                    _locks.Add(await DirectoryLock.AcquireAsync(directory, cancellationToken).ConfigureAwait(false));
                    return directory;
                case CacheSharing.Private:
                    using (var now = new CancellationTokenSource(TimeSpan.Zero))
                    {
                        try
                        {
                            _locks.Add(await DirectoryLock.AcquireAsync(directory, now.Token).ConfigureAwait(false));
                            return directory;
                        }
                        catch (OperationCanceledException)
                        {
                            // In use: this step gets a fresh directory of its own, as BuildKit gives it.
                            var fresh = Path.Combine(bundle, $"cache-{Guid.NewGuid():N}");
                            Directory.CreateDirectory(fresh);
                            File.SetUnixFileMode(fresh, (UnixFileMode)(cache.Mode & 0xFFF));
                            return fresh;
                        }
                    }

                default:
                    return directory;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1700, Level = LogLevel.Debug, Message = "Created step container {Id} for {Step}")]
        public static partial void StepContainerCreated(ILogger logger, string id, string step);
    }
}
