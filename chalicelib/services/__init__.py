"""Use cases. They take plain values and repositories; no boto3, no Chalice."""
