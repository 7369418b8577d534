"""Write src/policybench/draft/examples.tsv from the gold codings of benchmarks/texts (issue 22).

Each coded row of a ``<id>.gold.tsv`` gives one training example of its category: the verbatim
fragments of its phrase column (cut at '…', notes in brackets dropped, fragments not found in the
paragraph dropped). Each NONE row gives one non-measure example: the paragraph's text. UNCODED rows
give nothing. Texts of the ``held-out`` split of bench_draft.py are never read: a new round is
scored once on the frozen drafter before its examples may train it. Every example's group is its text id, so that an evaluation of that text leaves it
out of training (``fit_classifier(..., exclude_texts=[id])``; bench_draft.py does this for every
gold text: leave one text out).

Run:  python benchmarks/make_draft_examples.py [--check]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from policybench.draft import read_policy_text
from policybench.draft.segment import split_paragraphs

HERE = Path(__file__).parent
OUT = HERE.parent / "src" / "policybench" / "draft" / "examples.tsv"
HEADER = (
    "# Examples from the gold codings of benchmarks/texts (written by benchmarks/make_draft_examples.py; do not edit).\n"
    "# group: the text id (left out when that text is evaluated); code: a codebook category or NONE (a paragraph\n"
    "# stating no measure); text: the phrase's verbatim fragments, or the NONE paragraph.\n"
    "group\tcode\ttext\n"
)
_NOTE = re.compile(r"\([^()]*[A-Za-z][^()]*\)|:\s*[A-Za-z].*$")
_CUT = re.compile(r"…+|\.\.\.+")


def body(path: Path) -> str:
    return "\n".join(line for line in read_policy_text(path).split("\n") if not line.startswith("# "))


def fragments(phrase: str, paragraph: str) -> list[str]:
    """The verbatim pieces of a gold phrase found in its paragraph."""
    pieces = [p.strip(" ,，。;；:：“”\"'‘’()（）") for p in _CUT.split(_NOTE.sub("", phrase))]
    return [p for p in pieces if len(re.findall(r"[\u4e00-\u9fff]", p)) >= 2 and p in paragraph]


def rows_of(text_id: str) -> list[tuple[str, str, str]]:
    paragraphs = {p.locator: p.text for p in split_paragraphs(body(HERE / "texts" / f"{text_id}.txt"))}
    out = []
    for line in (HERE / "texts" / f"{text_id}.gold.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        locator, code, *rest = line.split("\t")
        phrase = rest[3] if len(rest) > 3 else ""
        paragraph = paragraphs.get(locator, "")
        if code == "NONE" and paragraph:
            out.append((text_id, code, paragraph))
        elif code not in ("NONE", "UNCODED"):
            found = fragments(phrase, paragraph)
            if found:
                out.append((text_id, code, " ".join(found)))
    return out


def render() -> str:
    from bench_draft import HELD_OUT  # this folder is on the path when run as a script

    ids = sorted(text_id for text_id, split in HELD_OUT if split != "held-out")  # never a text still held out
    lines = [HEADER]
    for text_id in ids:
        lines += ["\t".join(row) + "\n" for row in rows_of(text_id) if "\t" not in row[2]]
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is not what the gold files give")
    args = parser.parse_args()
    text = render()
    if args.check:
        sys.exit(0 if OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
