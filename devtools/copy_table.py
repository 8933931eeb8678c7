"""Copy every item of one DynamoDB table into another (restore from point-in-time recovery).

A PITR restore always creates a *new* table; the stack keeps its own ``PulseTable``. Copying the
restored items back into the stack's table leaves the stack, its roles and environment unchanged
(docs/deploy.md, "Restore the table from point-in-time recovery"). Items are written as they are
(existing keys are overwritten); the scan follows ``LastEvaluatedKey`` to the end.

    .venv/bin/python -m devtools.copy_table SOURCE TARGET [--region eu-west-1]
"""
from __future__ import annotations

import argparse
import sys


def copy_items(client, source: str, target: str) -> int:
    """Scan ``source`` to the end and batch-write every item into ``target``; returns the count."""
    import boto3

    table = boto3.resource("dynamodb", region_name=client.meta.region_name).Table(target)
    copied = 0
    with table.batch_writer() as writer:  # resends unprocessed items itself
        for page in client.get_paginator("scan").paginate(TableName=source):
            for item in page.get("Items", []):
                writer.put_item(Item=_plain(item))
                copied += 1
    return copied


def _plain(item: dict) -> dict:
    from boto3.dynamodb.types import TypeDeserializer

    deserialize = TypeDeserializer().deserialize
    return {key: deserialize(value) for key, value in item.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--region", default=None)
    args = parser.parse_args(argv)
    import boto3

    client = boto3.client("dynamodb", region_name=args.region)
    print(f"copied {copy_items(client, args.source, args.target)} items from {args.source} to {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
