#!/usr/bin/env python3
"""Fail when the example quoted in docs/api.md differs from the file it
quotes (<!-- example: PATH ... --> ... <!-- end example -->)."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    doc = open(os.path.join(ROOT, "docs", "api.md")).read()
    blocks = re.findall(r"<!-- example: (\S+).*?-->\n```c\n(.*?)```\n"
                        r"<!-- end example -->", doc, re.S)
    if not blocks:
        print("docs/api.md: no example block found")
        return 1
    bad = 0
    for path, text in blocks:
        src = open(os.path.join(ROOT, path)).read()
        if src != text:
            print("docs/api.md: the quote of %s is stale" % path)
            bad += 1
        else:
            print("docs/api.md quotes %s exactly" % path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
