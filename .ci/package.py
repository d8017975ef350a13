#!/usr/bin/env python3
"""Build asenet for one target and pack it as the release archive, with its checksum.

    python3 .ci/package.py TARGET OUT_DIR [--profile release|quick]

OUT_DIR receives `asenet-TARGET.tar.gz` (`.zip` for Windows) and `asenet-TARGET.tar.gz.sha256`
(`HASH  NAME`, as `sha256sum -c` and `shasum -a 256 -c` read it). The archive holds one
directory, `asenet-TARGET/`, with the binary (`asenet` or `asenet.exe`), README.md and the
JSON Schema for editors (docs/install.md lists it). The release workflow and .ci/run both use
this script, so the archives CI tests are made the way released ones are.

The archives are reproducible: entries sorted, owner 0, mode 0755 or 0644, and every time the
commit's (SOURCE_DATE_EPOCH, else `git log -1 --format=%ct`); gzip without a name or time.
Python makes them, not tar or zip, so that Linux, macOS and Windows runners make the same bytes
from the same binary.

`--profile quick` (for .ci/run) builds the release profile without link-time optimisation and
with 16 code units: the binary is slower but built in a fraction of the time, and packed the same.
"""

import argparse
import gzip
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What each archive holds besides the binary: (path in the repository, name in the archive).
EXTRAS = [("README.md", "README.md"), ("schemas/asenet.schema.json", "asenet.schema.json")]
# The release profile without fat LTO: what `--profile quick` overrides (Cargo reads
# CARGO_PROFILE_<NAME>_<KEY>), so Cargo.toml keeps one release profile.
QUICK = {"CARGO_PROFILE_RELEASE_LTO": "off", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "16"}


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def source_date():
    """The time every archive entry carries: the commit's, so that rebuilds match."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        fail("no SOURCE_DATE_EPOCH and no git commit to take the archive time from")
    return int(out.stdout.strip())


def build(target, profile):
    env = dict(os.environ)
    if profile == "quick":
        env.update(QUICK)
    command = ["cargo", "build", "--locked", "--release", "--target", target, "--bin", "asenet"]
    print("+", " ".join(command), "(quick)" if profile == "quick" else "", flush=True)
    if subprocess.run(command, cwd=ROOT, env=env).returncode != 0:
        fail(f"the build for {target} failed")
    exe = "asenet.exe" if "windows" in target else "asenet"
    binary = ROOT / "target" / target / "release" / exe
    if not binary.is_file():
        fail(f"the build left no {binary}")
    return binary


def entries(target, binary):
    """(name in the archive, bytes, mode), sorted by name."""
    top = f"asenet-{target}"
    files = [(f"{top}/{binary.name}", binary.read_bytes(), 0o755)]
    files += [(f"{top}/{name}", (ROOT / path).read_bytes(), 0o644) for path, name in EXTRAS]
    return top, sorted(files)


def tar_gz(top, files, mtime):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        directory = tarfile.TarInfo(top)
        directory.type, directory.mode, directory.mtime = tarfile.DIRTYPE, 0o755, mtime
        tar.addfile(directory)
        for name, data, mode in files:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, mtime
            tar.addfile(info, io.BytesIO(data))
    packed = io.BytesIO()
    # No file name and a fixed time in the gzip header.
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=mtime, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def zip_bytes(top, files, mtime):
    stamp = time.gmtime(max(mtime, 315532800))[:6]  # zip cannot say anything before 1980
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        directory = zipfile.ZipInfo(f"{top}/", stamp)
        directory.external_attr = (0o40755 << 16) | 0x10
        archive.writestr(directory, b"")
        for name, data, mode in files:
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return packed.getvalue()


def main():
    parser = argparse.ArgumentParser(description="Build asenet for TARGET and pack it into OUT_DIR.")
    parser.add_argument("target", metavar="TARGET", help="a Rust target triple, e.g. x86_64-unknown-linux-musl")
    parser.add_argument("out", metavar="OUT_DIR", type=Path, help="where the archive and its .sha256 go")
    parser.add_argument("--profile", choices=["release", "quick"], default="release")
    args = parser.parse_args()
    binary = build(args.target, args.profile)
    top, files = entries(args.target, binary)
    mtime = source_date()
    if "windows" in args.target:
        name, data = f"{top}.zip", zip_bytes(top, files, mtime)
    else:
        name, data = f"{top}.tar.gz", tar_gz(top, files, mtime)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / name).write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    (args.out / f"{name}.sha256").write_text(f"{digest}  {name}\n")
    print(f"{args.out / name}: {len(data)} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
