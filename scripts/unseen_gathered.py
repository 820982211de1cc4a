"""Is a candidate letter new, to the shared corpus and to this project?

The shared `tools/unseen.py check` knows the shared corpus and the set kept
apart for scoring, but not the letters this project gathered itself
(`data/corpus/batches/batch*/letters/`), nor those another gatherer of the
same batch saved a minute ago. This runs the shared check and then the same
fingerprint rule (the source address, or two long sentences in common)
against those letters.

    python scripts/unseen_gathered.py [--also FOLDER ...] FILE...

--also: folders of this batch's other gatherers (their *.txt); a file is
never compared with itself. Prints every FILE already known, one line each;
exit 1 if any, 2 if the shared tools are missing."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_TOOLS = ROOT.parent / "shared" / "corpus" / "tools"
BATCHES = ROOT / "data" / "corpus" / "batches"


def known_prints(unseen, folders: list[Path], exclude: set[Path]) -> dict[str, Path]:
    """Fingerprint -> the gathered letter it came from."""
    prints: dict[str, Path] = {}
    files = sorted(BATCHES.glob("batch*/letters*/*.txt")) + [f for d in folders for f in sorted(d.glob("*.txt"))]
    for path in files:
        if path.resolve() in exclude:
            continue
        url, body = unseen.read_candidate(path)
        for found in unseen.prints_of(url, body):
            prints.setdefault(found, path)
    return prints


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--also", type=Path, nargs="*", default=[], help="other gatherers' folders of this batch")
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if not (SHARED_TOOLS / "unseen.py").exists():
        print(f"unseen_gathered: {SHARED_TOOLS / 'unseen.py'}: not found (gathering needs ../shared)", file=sys.stderr)
        return 2
    shared = subprocess.run(
        [sys.executable, str(SHARED_TOOLS / "unseen.py"), "check", *map(str, args.files)],
        capture_output=True,
        text=True,
    )
    if shared.stdout.strip():
        print(shared.stdout.strip())
    known = shared.returncode != 0
    sys.path.insert(0, str(SHARED_TOOLS))
    import unseen

    prints = known_prints(unseen, args.also, {f.resolve() for f in args.files})
    for path in args.files:
        url, body = unseen.read_candidate(path)
        hits = unseen.prints_of(url, body) & prints.keys()
        if unseen.seen(hits):
            print(f"{path}: already gathered by this project ({prints[sorted(hits)[0]]})")
            known = True
    if not known:
        print(f"{len(args.files)} file(s): none seen before")
    return 1 if known else 0


if __name__ == "__main__":
    sys.exit(main())
