#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compile probe: is a construct legal in a library's layer?

    layer_probe.py BUILD SOURCE pass|fail PATTERN CODE

Takes the exact compile command of SOURCE (a file of the library under
test, e.g. lib/tcp/tcp_api.c) from BUILD/compile_commands.json -- its
include directories, its flags, its force-included guard -- and compiles
CODE with it instead (-fsyntax-only). "fail": the compiler must refuse,
and its output must match the regular expression PATTERN, so that a probe
refused for another reason (a broken command) does not count. "pass": it
must compile; each library has such a control, so that the refusals are
known to come from the rule and not from the probe. Standard library only.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

# Arguments of the original command that name its input or outputs.
DROP_WITH_VALUE = {"-o", "-MQ", "-MF", "-MT"}
DROP_ALONE = {"-c", "-MD", "-MMD"}


def find_command(build, source):
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = json.load(f)
    for e in entries:
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if path.endswith(os.sep + os.path.normpath(source)):
            args = e.get("arguments") or shlex.split(e["command"])
            return e["directory"], args, path
    sys.exit("layer_probe: %s is not in %s/compile_commands.json" %
             (source, build))


def probe_command(args, original, probe):
    out = [args[0]]
    skip = False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in DROP_WITH_VALUE:
            skip = True
            continue
        if a in DROP_ALONE:
            continue
        if os.path.basename(a) == os.path.basename(original):
            continue
        out.append(a)
    return out + ["-fdiagnostics-color=never", "-fsyntax-only", probe]


def main(argv):
    if len(argv) != 6 or argv[3] not in ("pass", "fail"):
        sys.stderr.write(__doc__)
        return 2
    build, source, expect, pattern, code = argv[1:]
    directory, args, original = find_command(build, source)
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, "layer_probe.c")
        with open(probe, "w") as f:
            f.write(code.replace("\\n", "\n") + "\n")
        cmd = probe_command(args, original, probe)
        print("probe (%s, must %s):\n%s\n" % (source, expect, code))
        print("$ " + " ".join(shlex.quote(a) for a in cmd))
        r = subprocess.run(cmd, cwd=directory, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    print(r.stdout)
    if expect == "pass":
        if r.returncode != 0:
            print("FAIL: the probe should compile")
            return 1
        print("ok: compiles")
        return 0
    if r.returncode == 0:
        print("FAIL: the probe compiled; the layer rule is not enforced")
        return 1
    if not re.search(pattern, r.stdout):
        print("FAIL: refused, but not for /%s/" % pattern)
        return 1
    print("ok: refused (/%s/)" % pattern)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
