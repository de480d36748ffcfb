#!/usr/bin/python3
"""Writes an OCI image layout tarball holding one image made of one layer: ROOTFS.

    containerd-make-image.py ROOTFS NAME OUT.tar

For `ctr images import` (no registry needed). The layer is an uncompressed tar of ROOTFS
with every file owned by root; the image runs /bin/sh by default. NAME (for example
docker.io/whalebox/busybox:test) goes into the io.containerd.image.name annotation, so
ctr names the image NAME.
"""
import hashlib
import io
import json
import os
import sys
import tarfile
import time


def layer_tar(rootfs):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def owned_by_root(info):
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = 0
            return info
        # Sorted, so the same rootfs gives the same digest.
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                path = os.path.join(dirpath, name)
                arcname = os.path.relpath(path, rootfs)
                tar.add(path, arcname=arcname, recursive=False, filter=owned_by_root)
    return buf.getvalue()


def blob(out, data, media_type):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo("blobs/sha256/" + digest.split(":", 1)[1])
    info.size = len(data)
    info.mtime = int(time.time())
    out.addfile(info, io.BytesIO(data))
    return {"mediaType": media_type, "digest": digest, "size": len(data)}


def add_json(out, name, doc):
    data = json.dumps(doc).encode()
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    out.addfile(info, io.BytesIO(data))


def main():
    rootfs, name, path = sys.argv[1:4]
    layer = layer_tar(rootfs)
    with tarfile.open(path, mode="w") as out:
        layer_desc = blob(out, layer, "application/vnd.oci.image.layer.v1.tar")
        config = {
            "architecture": "amd64" if os.uname().machine == "x86_64" else os.uname().machine,
            "os": "linux",
            "config": {
                "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                "Cmd": ["/bin/sh"],
                "WorkingDir": "/",
            },
            "rootfs": {"type": "layers", "diff_ids": [layer_desc["digest"]]},
            "history": [{"created_by": "whalebox integration/clients/testdata/containerd-make-image.py"}],
        }
        config_desc = blob(out, json.dumps(config).encode(), "application/vnd.oci.image.config.v1+json")
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config_desc,
            "layers": [layer_desc],
        }
        manifest_desc = blob(out, json.dumps(manifest).encode(), "application/vnd.oci.image.manifest.v1+json")
        manifest_desc["annotations"] = {
            "io.containerd.image.name": name,
        }
        add_json(out, "oci-layout", {"imageLayoutVersion": "1.0.0"})
        add_json(out, "index.json", {"schemaVersion": 2, "manifests": [manifest_desc]})


if __name__ == "__main__":
    main()
