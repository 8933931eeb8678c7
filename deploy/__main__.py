"""``python -m deploy sync | merge-template --stage S | package --stage S [--out DIR]``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import package, sync


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("sync", help="write .chalice/policies/*.json and the stages' lambda_functions")
    for name in ("merge-template", "package"):
        command = commands.add_parser(name)
        command.add_argument("--stage", required=True)
        command.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        if args.command == "sync":
            changed = sync.write()
            print("\n".join(f"updated {p.relative_to(sync.ROOT)}" for p in changed) or "up to date")
        elif args.command == "merge-template":
            out = args.out or sync.ROOT / "build" / f"merge-{args.stage}.json"
            print(package.write_merge_template(args.stage, out))
        else:
            out = args.out or sync.ROOT / "build" / args.stage
            template = package.build(args.stage, out)
            print(f"{template}\n{package.describe(out)}")
    except package.PackageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
