#!/usr/bin/env bash
# The main job, end to end with no daemon and no network: build a small image from this host's
# binaries, run it with limits, show its output, commit a change, and run the new image.
# Everything lives in a temporary root that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
    echo "main-job.sh: run as root: containers need namespaces, cgroups and mounts" >&2
    exit 1
fi

echo "== building the containers CLI"
dotnet build src/Containers.Cli -c Release -nologo -v quiet -o artifacts/demo >/dev/null

root=$(mktemp -d /tmp/containers-demo.XXXXXX)
containers() { artifacts/demo/containers --root "$root" --bridge none "$@"; }
cleanup() {
    containers rm -f builder >/dev/null 2>&1 || true
    rm -rf "$root"
}
trap cleanup EXIT
started=$(date +%s%N)

echo "== 1. an image from the host's binaries"
rootfs=$root/rootfs
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root}
if [ -x /bin/busybox ]; then
    cp /bin/busybox "$rootfs/bin/"
    for applet in sh echo cat hostname head; do ln -s busybox "$rootfs/bin/$applet"; done
else
    # No busybox-static: the host's own shell and tools, with the libraries they load.
    for program in sh cat echo hostname head; do
        path=$(command -v "$program")
        cp "$path" "$rootfs/bin/$program"
        for library in $(ldd "$path" | grep -o '/[^ ]*'); do
            mkdir -p "$rootfs$(dirname "$library")"
            cp -n "$library" "$rootfs$library"
        done
    done
fi
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
containers import -c 'CMD ["sh"]' -m "host binaries" "$rootfs" demo:v1
containers images

echo "== 2. run it with limits: 64 MiB of memory, half a CPU, 16 processes"
containers run --rm -m 64m --cpus 0.5 --pids-limit 16 demo:v1 sh -c '
    echo "hello from container $(hostname)"
    echo "memory limit: $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
    echo "cpu quota:    $(cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) per $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)")"
    echo "pids limit:   $(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max)"'

echo "== 3. commit a change"
containers run --name builder demo:v1 sh -c 'echo "written in a container, committed into demo:v2" > /greeting'
containers commit -m "add /greeting" builder demo:v2
containers rm builder

echo "== 4. run the new image"
containers run --rm demo:v2 cat /greeting
containers images

echo "== done in $(( ($(date +%s%N) - started) / 1000000 )) ms (after the build)"
