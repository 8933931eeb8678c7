"""Fixtures for report tests: moto S3 bucket and verified SES sender next to the moto table."""
from __future__ import annotations

import boto3
import pytest

from .builders import BUCKET, SENDER


@pytest.fixture
def aws_mail_and_bucket(moto_table):
    """Inside the moto_table's mock: the archive bucket and a verified sender identity."""
    from email.utils import parseaddr

    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    ses = boto3.client("ses", region_name="us-east-1")
    ses.verify_email_identity(EmailAddress=parseaddr(SENDER)[1])
    return moto_table


def sent_raw_messages() -> list:
    """Messages moto's SES accepted (send_raw_email)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)
