"""The PITR copy-back tool moves every item (past one scan page) and keeps types."""
from decimal import Decimal


def test_every_item_is_copied_with_its_types(monkeypatch):
    from moto import mock_aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        import boto3

        from chalicelib.storage.schema import table_definition
        from devtools.copy_table import copy_items

        client = boto3.client("dynamodb", region_name="us-east-1")
        for name in ("restored", "stack"):
            client.create_table(**table_definition(name))
        filler = "x" * 20_000  # ~60 items of 20 KB fill more than one 1 MB scan page
        for i in range(60):
            client.put_item(TableName="restored", Item={"PK": {"S": f"P#{i}"}, "SK": {"S": "A"},
                                                        "n": {"N": str(i)}, "pad": {"S": filler}})
        assert copy_items(client, "restored", "stack") == 60
        item = boto3.resource("dynamodb", region_name="us-east-1").Table("stack").get_item(
            Key={"PK": "P#7", "SK": "A"})["Item"]
        pages = client.get_paginator("scan").paginate(TableName="stack", Select="COUNT")
        assert item["n"] == Decimal(7) and sum(page["Count"] for page in pages) == 60
