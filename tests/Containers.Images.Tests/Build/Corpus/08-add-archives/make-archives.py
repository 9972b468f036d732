#!/usr/bin/env python3
"""Writes the archives this case ADDs, byte for byte the same on every run (fixed times, owners, order)."""
import bz2
import gzip
import io
import tarfile


def entry(name, data=None, mode=0o644):
    info = tarfile.TarInfo(name)
    info.mtime = 946684800  # 2000-01-01, so no entry is dated 1970
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mode = mode
    if data is None:
        info.type = tarfile.DIRTYPE
        return info, None
    info.size = len(data)
    return info, io.BytesIO(data)


def archive(entries):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data, mode in entries:
            info, stream = entry(name, data, mode)
            tar.addfile(info, stream)
    return buffer.getvalue()


payload = archive([
    ("payload", None, 0o755),
    ("payload/hello.txt", b"hello from the gzip archive\n", 0o640),
    ("payload/sub", None, 0o750),
    ("payload/sub/nested.txt", b"nested file\n", 0o644),
])
with open("payload.tar.gz", "wb") as f:
    with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
        gz.write(payload)

with open("payload.tar.bz2", "wb") as f:
    f.write(bz2.compress(archive([("bz2.txt", b"hello from the bzip2 archive\n", 0o644)])))

with open("plain.tar", "wb") as f:
    f.write(archive([("plain.txt", b"hello from the plain tar\n", 0o600)]))
