#!/usr/bin/python3
"""Writes the hostile config.json documents of integration/hostile.bats.

Usage: hostile_configs.py BASE_CONFIG OUT_DIR CGROUPS_PATH

BASE_CONFIG is a valid config (bundles/busybox/config.json); every case changes one thing
in it. OUT_DIR gets NNN.json per case and cases.tsv with one line per case:
    NNN <TAB> class <TAB> what stderr must contain (the field) <TAB> description
Classes: type (a wrong type: the message names the JSON path), missing, traversal,
number, seccomp, caps, rlimits, namespaces, idmap, big (a 50 MB string, deep nesting),
garbage (not JSON: the message names config.json and the position), and parserfix
(cases that need the parser work of issue 12 item 3; hostile.bats skips them for now).
"""
import copy
import json
import os
import sys

base_path, out_dir, cgroups_path = sys.argv[1:4]
with open(base_path) as f:
    BASE = json.load(f)
BASE["process"]["args"] = ["true"]
BASE["process"].pop("terminal", None)
BASE["linux"]["cgroupsPath"] = cgroups_path

# A richer document: every array the wrong-type cases reach into has an element. It is
# only parsed (a wrong type fails before any check of the whole), so it need not be one
# that could run.
RICH = copy.deepcopy(BASE)
RICH["process"]["user"]["additionalGids"] = [1]
RICH["process"]["consoleSize"] = {"height": 24, "width": 80}
RICH["hooks"] = {k: [{"path": "/bin/true", "args": ["true"], "env": ["A=b"], "timeout": 5}]
                 for k in ("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")}
RICH["annotations"] = {"k": "v"}
RICH["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
RICH["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
RICH["linux"]["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0}]
RICH["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
RICH["linux"]["resources"] = {
    "memory": {"limit": 1 << 26, "swappiness": 10, "disableOOMKiller": False},
    "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"},
    "pids": {"limit": 100},
    "blockIO": {"weight": 500, "weightDevice": [{"major": 8, "minor": 0, "weight": 500}]},
    "hugepageLimits": [{"pageSize": "2MB", "limit": 0}],
    "devices": [{"allow": False, "access": "rwm"}],
    "network": {"classID": 1},
    "unified": {"memory.high": "max"},
}
RICH["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
                            "flags": ["SECCOMP_FILTER_FLAG_LOG"],
                            "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                                          "args": [{"index": 0, "value": 1, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}]}
RICH["linux"]["timeOffsets"] = {"monotonic": {"secs": 1, "nanosecs": 0}}
RICH["linux"]["personality"] = {"domain": "LINUX", "flags": []}
RICH["linux"]["mountLabel"] = ""
RICH["mounts"][0]["options"] = ["nosuid"]

cases = []  # (class, document or bytes, expected, description)


def path_parts(path):
    parts = []
    for piece in path.split("."):
        while "[" in piece:
            name, rest = piece.split("[", 1)
            if name:
                parts.append(name)
            index, piece = rest.split("]", 1)
            parts.append(int(index))
        if piece:
            parts.append(piece)
    return parts


def set_at(doc, path, value, delete=False):
    parts = path_parts(path)
    node = doc
    for p in parts[:-1]:
        node = node[p]
    if delete:
        del node[parts[-1]]
    else:
        node[parts[-1]] = value
    return doc


def case(cls, doc, expected, what):
    cases.append((cls, doc, expected, what))


def changed(path, value, base=BASE):
    return set_at(copy.deepcopy(base), path, value)


# --- wrong types in every major field: the message is "PATH: expected T, got U" ---
WRONG = {"object": ["text", [1]], "array": ["text", {"a": 1}], "string": [7, ["x"]],
         "integer": ["7", True], "boolean": ["true", 1]}
TYPED = [
    ("ociVersion", "string"), ("process", "object"), ("process.terminal", "boolean"),
    ("process.consoleSize", "object"), ("process.consoleSize.height", "integer"),
    ("process.user", "object"), ("process.user.uid", "integer"), ("process.user.gid", "integer"),
    ("process.user.umask", "integer"), ("process.user.additionalGids", "array"),
    ("process.user.additionalGids[0]", "integer"), ("process.args", "array"), ("process.args[0]", "string"),
    ("process.env", "array"), ("process.env[0]", "string"), ("process.cwd", "string"),
    ("process.capabilities", "object"), ("process.capabilities.bounding", "array"),
    ("process.capabilities.effective[0]", "string"), ("process.rlimits", "array"),
    ("process.rlimits[0]", "object"), ("process.rlimits[0].type", "string"),
    ("process.rlimits[0].hard", "integer"), ("process.rlimits[0].soft", "integer"),
    ("process.noNewPrivileges", "boolean"), ("process.oomScoreAdj", "integer"),
    ("process.apparmorProfile", "string"), ("process.selinuxLabel", "string"),
    ("root", "object"), ("root.path", "string"), ("root.readonly", "boolean"),
    ("hostname", "string"), ("domainname", "string"), ("mounts", "array"), ("mounts[0]", "object"),
    ("mounts[0].destination", "string"), ("mounts[0].type", "string"), ("mounts[0].source", "string"),
    ("mounts[0].options", "array"), ("mounts[0].options[0]", "string"),
    ("hooks", "object"), ("hooks.prestart", "array"), ("hooks.createRuntime[0]", "object"),
    ("hooks.poststart[0].path", "string"), ("hooks.poststop[0].args", "array"),
    ("hooks.createContainer[0].timeout", "integer"), ("annotations", "object"), ("annotations.k", "string"),
    ("linux", "object"), ("linux.namespaces", "array"), ("linux.namespaces[0]", "object"),
    ("linux.namespaces[0].type", "string"), ("linux.namespaces[0].path", "string"),
    ("linux.uidMappings", "array"), ("linux.uidMappings[0].containerID", "integer"),
    ("linux.uidMappings[0].hostID", "integer"), ("linux.gidMappings[0].size", "integer"),
    ("linux.gidMappings[0]", "object"), ("linux.devices", "array"), ("linux.devices[0].path", "string"),
    ("linux.devices[0].type", "string"), ("linux.devices[0].major", "integer"),
    ("linux.devices[0].fileMode", "integer"), ("linux.cgroupsPath", "string"), ("linux.resources", "object"),
    ("linux.resources.memory", "object"), ("linux.resources.memory.limit", "integer"),
    ("linux.resources.memory.swappiness", "integer"), ("linux.resources.memory.disableOOMKiller", "boolean"),
    ("linux.resources.cpu.shares", "integer"), ("linux.resources.cpu.quota", "integer"),
    ("linux.resources.cpu.cpus", "string"), ("linux.resources.pids.limit", "integer"),
    ("linux.resources.blockIO.weight", "integer"), ("linux.resources.blockIO.weightDevice", "array"),
    ("linux.resources.hugepageLimits[0].pageSize", "string"), ("linux.resources.devices[0].allow", "boolean"),
    ("linux.resources.devices[0].access", "string"), ("linux.resources.unified", "object"),
    ("linux.resources.unified.memory.high", "string"), ("linux.resources.network.classID", "integer"),
    ("linux.rootfsPropagation", "string"), ("linux.maskedPaths", "array"), ("linux.maskedPaths[0]", "string"),
    ("linux.readonlyPaths", "array"), ("linux.sysctl", "object"), ("linux.seccomp", "object"),
    ("linux.seccomp.defaultAction", "string"), ("linux.seccomp.architectures", "array"),
    ("linux.seccomp.syscalls[0].names", "array"), ("linux.seccomp.syscalls[0].action", "string"),
    ("linux.seccomp.syscalls[0].args[0].index", "integer"), ("linux.seccomp.syscalls[0].args[0].op", "string"),
    ("linux.seccomp.flags", "array"), ("linux.timeOffsets", "object"), ("linux.personality.domain", "string"),
    ("linux.mountLabel", "string"),
]
for path, typ in TYPED:
    for i, bad in enumerate(WRONG[typ]):
        doc = copy.deepcopy(RICH)
        if path == "linux.resources.unified.memory.high":  # a key with a dot in it
            doc["linux"]["resources"]["unified"]["memory.high"] = bad
        else:
            set_at(doc, path, bad)
        # One case per path normally; both for the top-level sections.
        if i == 1 and path.count(".") > 0:
            continue
        shown = path.replace(".memory.high", '["memory.high"]')  # a key with a dot is quoted
        case("type", doc, shown + ": expected " + typ, f"{path} = {json.dumps(bad)}")

# --- missing fields ---
def without(path, base=BASE):
    return set_at(copy.deepcopy(base), path, None, delete=True)

case("missing", without("ociVersion"), "ociVersion", "no ociVersion")
case("missing", without("root"), "root", "no root")
case("missing", without("root.path"), "root.path", "no root.path")
case("missing", without("process"), "process", "no process")
case("missing", without("process.args"), "process.args", "no process.args")
case("missing", without("process.cwd"), "process.cwd", "no process.cwd")
case("missing", without("process.rlimits[0].soft"), "process.rlimits[0].soft", "an rlimit without soft")
case("missing", changed("process.consoleSize", {"height": 1}), "process.consoleSize.width", "a console size without width")
case("missing", changed("linux.seccomp", {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ERRNO"}]}),
     "linux.seccomp.syscalls[0].names", "a seccomp rule without names")
case("missing", changed("linux.resources", {"hugepageLimits": [{"limit": 1}]}), "linux.resources.hugepageLimits[0].pageSize", "a hugepage limit without pageSize")
case("missing", without("mounts[0].destination"), "mounts[0].destination", "a mount without destination")
case("missing", without("linux.namespaces[0].type"), "linux.namespaces[0].type", "a namespace without type")
case("missing", without("process.rlimits[0].type"), "process.rlimits[0].type", "an rlimit without type")
case("missing", without("process.rlimits[0].hard"), "process.rlimits[0].hard", "an rlimit without hard")
case("missing", changed("linux.seccomp", {"architectures": []}), "linux.seccomp.defaultAction", "seccomp without defaultAction")
case("missing", changed("linux.devices", [{"type": "c", "major": 1, "minor": 3}]), "linux.devices[0].path", "a device without path")
case("missing", changed("linux.uidMappings", [{"containerID": 0, "size": 1}]), "linux.uidMappings[0].hostID", "a mapping without hostID")
case("missing", changed("hooks", {"prestart": [{"args": ["x"]}]}), "hooks.prestart[0].path", "a hook without path")
case("missing", changed("linux.resources", {"devices": [{"access": "rwm"}]}), "linux.resources.devices[0].allow", "a device rule without allow")
case("missing", b"", "config.json", "an empty file")

# --- traversal in every path ---
# Not here, because runc accepts them and whalebox keeps them inside their root as runc
# does: a relative mount destination (resolved in the rootfs), a relative cgroupsPath
# with ".." (cleaned below the cgroup root), a relative seccomp listenerPath.
case("traversal", changed("process.cwd", "../../etc"), "process.cwd", "relative cwd climbing out")
case("traversal", changed("linux.namespaces", BASE["linux"]["namespaces"] + [{"type": "cgroup", "path": "../../proc/1/ns/cgroup"}]),
     f"linux.namespaces[{len(BASE['linux']['namespaces'])}].path", "relative namespace path")
case("traversal", changed("linux.maskedPaths", ["../../etc/shadow"]), "linux.maskedPaths[0]", "relative masked path")
case("traversal", changed("linux.readonlyPaths", ["../../etc"]), "linux.readonlyPaths[0]", "relative readonly path")
case("traversal", changed("linux.devices", [{"path": "../../dev/sda", "type": "b", "major": 8, "minor": 0}]),
     "linux.devices[0].path", "relative device path")
case("traversal", changed("hooks", {"prestart": [{"path": "../../bin/sh"}]}), "hooks.prestart[0].path", "relative hook path")
case("traversal", changed("hooks", {"poststop": [{"path": "bin/../../sh"}]}), "hooks.poststop[0].path", "relative poststop hook")
case("traversal", changed("root.path", "../../../../../../nonexistent-rootfs"), "root", "a root path climbing to nowhere")
case("traversal", changed("linux.cgroupsPath", "/../../../"), "cgroupsPath", "an absolute cgroupsPath of dots")
case("traversal", changed("linux.resources", {"unified": {"../../cgroup.procs": "1"}}), "linux.resources.unified", "a unified key climbing out")
case("traversal", changed("linux.resources", {"unified": {"memory/../../x": "1"}}), "linux.resources.unified", "a unified key with a slash")
case("traversal", changed("linux.sysctl", {"net/../../kernel/core_pattern": "|/x"}), "linux.sysctl", "a sysctl name climbing out")
case("traversal", changed("linux.sysctl", {"../../../etc/passwd": "x"}), "linux.sysctl", "a sysctl name of dots")

# --- huge and negative numbers ---
case("number", changed("process.user.uid", -1), "process.user.uid", "negative uid")
case("number", changed("process.user.gid", 1 << 32), "process.user.gid", "gid 2^32")
case("number", changed("process.user.umask", -5), "process.user.umask", "negative umask")
case("number", changed("process.oomScoreAdj", 5000), "process.oomScoreAdj", "oomScoreAdj 5000")
case("number", changed("process.oomScoreAdj", -1001), "process.oomScoreAdj", "oomScoreAdj -1001")
case("number", changed("process.rlimits[0].hard", -1), "process.rlimits[0].hard", "negative rlimit")
case("number", changed("process.rlimits[0].soft", 1 << 40), "process.rlimits[0].soft", "soft above hard")
case("number", changed("linux.resources", {"memory": {"swappiness": 101}}), "linux.resources.memory.swappiness", "swappiness 101")
case("number", changed("linux.resources", {"cpu": {"shares": -5}}), "linux.resources.cpu.shares", "negative cpu shares")
case("number", changed("linux.resources", {"pids": {"limit": 1.5}}), "linux.resources.pids.limit", "fractional pids limit")
case("number", changed("linux.resources", {"blockIO": {"weight": 70000}}), "linux.resources.blockIO.weight", "blkio weight 70000")
case("number", changed("linux.resources", {"blockIO": {"weight": -1}}), "linux.resources.blockIO.weight", "negative blkio weight")
case("number", changed("linux.devices", [{"path": "/dev/x", "type": "c", "major": 1, "minor": 1 << 33}]), "linux.devices[0].minor", "minor 2^33")
case("number", changed("linux.devices", [{"path": "/dev/x", "type": "c", "major": -1, "minor": 0}]), "linux.devices[0].major", "negative major")
case("number", changed("linux.devices", [{"path": "/dev/x", "type": "c", "major": 1, "minor": 3, "fileMode": 1 << 20}]), "linux.devices[0].fileMode", "fileMode 2^20")
case("number", changed("hooks", {"prestart": [{"path": "/bin/true", "timeout": 0}]}), "hooks.prestart[0].timeout", "hook timeout 0")
case("number", changed("hooks", {"prestart": [{"path": "/bin/true", "timeout": -3}]}), "hooks.prestart[0].timeout", "negative hook timeout")
case("number", changed("process.consoleSize", {"height": -1, "width": 80}), "process.consoleSize.height", "negative console height")
case("number", changed("linux.seccomp", {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 9, "value": 0, "op": "SCMP_CMP_EQ"}]}]}),
     "linux.seccomp.syscalls[0].args[0].index", "seccomp arg index 9")
# Beyond 64 bits. 1e400 is beyond a double too: "invalid JSON" today; the parser fix
# (issue 12 item 3) names the field.
case("parserfix", b'{"ociVersion": "1.2.0", "process": {"args": ["true"], "cwd": "/", "user": {"uid": 1e400, "gid": 0}}, "root": {"path": "rootfs"}}',
     "process.user.uid", "uid 1e400")
case("number", changed("linux.resources", {"memory": {"limit": 1 << 64}}), "linux.resources.memory.limit", "memory limit 2^64")
case("number", changed("process.rlimits[0].hard", 1 << 70), "process.rlimits[0].hard", "rlimit 2^70")

# --- NUL bytes (need the parser fix: a string with NUL cannot reach a syscall) ---
for path in ("process.args[0]", "process.cwd", "process.env[0]", "hostname", "mounts[0].destination",
             "root.path", "linux.cgroupsPath", "linux.maskedPaths[0]"):
    doc = copy.deepcopy(BASE)
    if path == "linux.maskedPaths[0]":
        doc["linux"]["maskedPaths"] = ["/proc/kcore"]
    parts = path_parts(path)
    node = doc
    for p in parts[:-1]:
        node = node[p]
    node[parts[-1]] = str(node[parts[-1]]) + "\x00/etc"
    case("parserfix", doc, path, f"NUL byte in {path}")

# --- seccomp ---
def seccomp(**kw):
    s = {"defaultAction": "SCMP_ACT_ALLOW"}
    s.update(kw)
    return changed("linux.seccomp", s)

case("seccomp", changed("linux.seccomp", {"defaultAction": "SCMP_ACT_FOO"}), "linux.seccomp.defaultAction", "unknown default action")
case("seccomp", seccomp(architectures=["SCMP_ARCH_VAX"]), "linux.seccomp.architectures[0]", "unknown architecture")
case("seccomp", seccomp(flags=["SECCOMP_FILTER_FLAG_BOGUS"]), "linux.seccomp.flags[0]", "unknown flag")
case("seccomp", seccomp(syscalls=[{"names": [], "action": "SCMP_ACT_ERRNO"}]), "linux.seccomp.syscalls[0].names", "empty names")
case("seccomp", seccomp(syscalls=[{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]), "linux.seccomp.syscalls[0].action", "unknown action")
case("seccomp", seccomp(syscalls=[{"names": ["mkdir"], "action": "SCMP_ACT_ALLOW", "errnoRet": 5}]), "linux.seccomp.syscalls[0].errnoRet", "errnoRet on allow")
case("seccomp", seccomp(syscalls=[{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_LIKE"}]}]),
     "linux.seccomp.syscalls[0].args[0].op", "unknown operator")
case("seccomp", changed("linux.seccomp", {"defaultAction": "SCMP_ACT_NOTIFY"}), "linux.seccomp.defaultAction", "notify as default")
case("seccomp", seccomp(syscalls=[{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]), "linux.seccomp.syscalls[0].action", "notify without listener")
case("seccomp", seccomp(defaultErrnoRet=1), "linux.seccomp.defaultErrnoRet", "defaultErrnoRet with allow")
case("seccomp", seccomp(listenerMetadata="x"), "linux.seccomp.listenerMetadata", "metadata without listener")

# --- capabilities ---
def caps(kind, values):
    return changed("process.capabilities." + kind, values)

# Unknown names are not here: whalebox ignores them with a warning, as runc does.
case("caps", caps("bounding", [1]), "process.capabilities.bounding[0]: expected string", "a number as a capability")
case("caps", caps("effective", ["CAP_KILL", None, "CAP_CHOWN", True]), "process.capabilities.effective[", "null and true among capabilities")
case("caps", caps("permitted", "CAP_KILL"), "process.capabilities.permitted: expected array", "a string for the list")
case("caps", caps("ambient", [["CAP_KILL"]]), "process.capabilities.ambient[0]: expected string", "a nested list")
case("caps", caps("inheritable", {"CAP_KILL": True}), "process.capabilities.inheritable: expected array", "an object for the list")

# --- rlimits ---
def rlimits(values):
    return changed("process.rlimits", values)

case("rlimits", rlimits([{"type": "RLIMIT_FOO", "hard": 1, "soft": 1}]), "process.rlimits[0].type", "unknown rlimit")
case("rlimits", rlimits([{"type": "RLIMIT_NOFILE", "hard": 10, "soft": 20}]), "process.rlimits[0].soft", "soft above hard")
case("rlimits", rlimits([{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 1}, {"type": "RLIMIT_NOFILE", "hard": 2, "soft": 2}]),
     "process.rlimits[1].type", "duplicate rlimit")
case("rlimits", rlimits([{"type": "nofile", "hard": 1, "soft": 1}]), "process.rlimits[0].type", "lower-case rlimit")

# --- namespaces ---
NS = BASE["linux"]["namespaces"]
case("namespaces", changed("linux.namespaces", NS + [{"type": "foo"}]), f"linux.namespaces[{len(NS)}].type", "unknown namespace")
case("namespaces", changed("linux.namespaces", NS + [{"type": NS[0]["type"]}]), f"linux.namespaces[{len(NS)}].type", "duplicate namespace")
case("namespaces", changed("linux.namespaces", NS + [{"type": "cgroup", "path": "relative/ns"}]), f"linux.namespaces[{len(NS)}].path", "relative namespace path")
case("namespaces", changed("linux.namespaces", NS + [{"type": "cgroup", "path": "/nonexistent/ns/cgroup"}]), "/nonexistent/ns/cgroup", "missing namespace file")
case("namespaces", changed("linux.namespaces", NS + [{"type": "cgroup", "path": "/etc/passwd"}]), "/etc/passwd", "a namespace path that is no namespace")
case("namespaces", changed("linux.namespaces", [n for n in NS if n["type"] != "uts"]), "hostname", "hostname without a uts namespace")
case("namespaces", changed("linux.namespaces", [n for n in NS if n["type"] != "mount"]), "MNT namespace", "no mount namespace (masked paths need one, as runc)")
case("namespaces", changed("linux.namespaces", NS + [{"type": ""}]), f"linux.namespaces[{len(NS)}].type", "empty namespace type")

# --- id mappings ---
USERNS = NS + [{"type": "user"}]
def idmap(uid, gid, ns=USERNS):
    doc = changed("linux.namespaces", ns)
    if uid is not None:
        doc["linux"]["uidMappings"] = uid
    if gid is not None:
        doc["linux"]["gidMappings"] = gid
    return doc

M = [{"containerID": 0, "hostID": 100000, "size": 65536}]
case("idmap", idmap(None, M), "linux.uidMappings", "user namespace without uid mappings")
case("idmap", idmap(M, None), "linux.gidMappings", "user namespace without gid mappings")
case("idmap", idmap([{"containerID": 0, "hostID": 100000, "size": 0}], M), "linux.uidMappings[0].size", "a mapping of size 0")
case("idmap", idmap(M, M, ns=NS), "Mappings", "mappings without a user namespace")
case("idmap", idmap([{"containerID": 0, "hostID": 100000, "size": 10}, {"containerID": 5, "hostID": 200000, "size": 10}], M),
     "linux.uidMappings[1]: overlaps", "overlapping mappings")
case("idmap", idmap([{"containerID": 0, "hostID": 4294967295, "size": 2}], M), "linux.uidMappings[0].size", "a mapping past 2^32")
case("idmap", idmap(M, [{"containerID": -1, "hostID": 0, "size": 1}]), "linux.gidMappings[0].containerID", "a negative container id")
case("idmap", changed("mounts[0].uidMappings", M), "mounts[0]", "an idmapped mount without gid mappings")

# --- a 50 MB string and deep nesting ---
big = "x" * (50 << 20)
case("parserfix", changed("hostname", big), "hostname", "a 50 MB hostname, cut in the message")
case("big", changed("process.args", [big, 1]), "process.args[1]: expected string", "a 50 MB argument beside a wrong type")
deep = b'[' * 100000 + b']' * 100000
case("big", b'{"ociVersion": "1.2.0", "annotations": ' + deep + b'}', "annotations[0]", "100000 nested arrays in annotations")
case("big", b'{"ociVersion": "1.2.0", "process": {"args": ' + b'[' * 100000 + b']' * 100000 + b'}}', "process.args[", "100000 nested arrays in process.args")
case("big", b'{"ociVersion": "1.2.0", "linux": {"sysctl": {"k": ' + b'{"a":' * 100000 + b'1' + b'}' * 100000 + b'}}}',
     "linux.sysctl.k", "100000 nested objects in linux.sysctl")

# --- garbage bytes: the message names config.json and the position ---
INVALID = "config.json: invalid JSON: parse error at line "
case("garbage", b'\x00\x01\x02\xff\xfe garbage', INVALID, "binary garbage")
case("garbage", b'{"ociVersion": "1.2.0", "process": {"args": ["tr', INVALID, "truncated JSON")
case("garbage", b'{"ociVersion": "1.2.0",, }', INVALID, "a stray comma")
case("garbage", b'{"ociVersion": "1.2.\xff\xfe"}', INVALID, "invalid UTF-8 in a string")
case("garbage", b'{"ociVersion": "\\ud800"}', INVALID, "a lone surrogate")
case("garbage", b'\xef\xbb\xbf\xef\xbb\xbf{}', INVALID, "two byte order marks")
case("garbage", b'{"ociVersion": "1.2.0"} trailing', INVALID, "text after the document")
case("garbage", b'[]', "config.json: expected object", "an array at the top")
case("garbage", b'"config"', "config.json: expected object", "a string at the top")
case("garbage", b'{"ociVersion": NaN}', INVALID, "NaN")
case("garbage", os.urandom(0) + bytes(range(256)) * 16, INVALID, "all byte values")

os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "cases.tsv"), "w") as tsv:
    for i, (cls, doc, expected, what) in enumerate(cases):
        name = f"{i:03d}"
        data = doc if isinstance(doc, bytes) else json.dumps(doc, indent=1, ensure_ascii=False).encode()
        with open(os.path.join(out_dir, name + ".json"), "wb") as f:
            f.write(data)
        tsv.write(f"{name}\t{cls}\t{expected}\t{what}\n")
print(len(cases))
