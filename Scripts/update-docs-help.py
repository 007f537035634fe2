#!/usr/bin/env python3
"""Replaces every `$ swift run transformer-cli CMD --help` block in docs/*.md (and README.md) with the
current help text of the built tool, so the docs never show flags the tool no longer has.

    swift build && python3 Scripts/update-docs-help.py [--check]

--check changes nothing and exits 1 when a block is out of date (for a fresh-clone check)."""
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
tool = root / ".build" / "debug" / "transformer-cli"
block = re.compile(r"(```\n\$ swift run transformer-cli ([a-z-]+) --help\n)(.*?)(```)", re.S)


def help_text(command):
    out = subprocess.run([str(tool), command, "--help"], capture_output=True, text=True, check=True).stdout
    return out if out.endswith("\n") else out + "\n"


def main():
    check = "--check" in sys.argv[1:]
    if not tool.exists():
        sys.exit(f"{tool}: not built; run `swift build` first")
    stale = []
    for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = path.read_text()
        new = block.sub(lambda m: m.group(1) + help_text(m.group(2)) + m.group(4), text)
        if new != text:
            stale.append(path.relative_to(root))
            if not check:
                path.write_text(new)
    verb = "out of date" if check else "updated"
    for name in stale:
        print(f"{name}: {verb}")
    if check and stale:
        sys.exit(1)


main()
