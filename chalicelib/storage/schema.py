"""The one DynamoDB table definition, used to create local tables and in the deployment template.

Single-table design; see docs/data-model.md for every item shape and access pattern.

- ``PK``/``SK``: the item's identity (``SURVEY#<id>``/``VERSION#000003``, ``INVITE#<id>``/``RESPONSE`` ...).
- ``GSI1``: collections (``WAVE#<id>#INVITATIONS``, ``WAVE#<id>#RESPONSES``, ``PARTNERS``, ``SURVEY#<id>#WAVES``,
  ``ACTIONS`` by ``<status>#<due>#<id>`` and ``CHANGES`` by ``<effective>#<id>``: storage/actions.py).
- ``GSI2``: sparse index of work queues (follow-ups of a wave by status).
- Stream (new and old images): feeds the live results update (``chalicelib/jobs/results_stream.py``).
"""
from __future__ import annotations

GSI1 = "GSI1"
GSI2 = "GSI2"
STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES"
TTL_ATTRIBUTE = "expires_at"  # epoch seconds; DynamoDB deletes the item after it (deploy/template.py enables it)


def table_definition(table_name: str) -> dict:
    """Keyword arguments for ``CreateTable`` (also rendered into CloudFormation)."""
    def index(name: str) -> dict:
        return {
            "IndexName": name,
            "KeySchema": [
                {"AttributeName": f"{name}PK", "KeyType": "HASH"},
                {"AttributeName": f"{name}SK", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }

    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"}
            for name in ("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK")
        ],
        "KeySchema": [
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [index(GSI1), index(GSI2)],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": STREAM_VIEW_TYPE},
    }
