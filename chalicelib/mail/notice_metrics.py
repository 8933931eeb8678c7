"""A failed follow-up notice as a CloudWatch metric, in the embedded metric format (EMF).

Lambda sends every line a function prints to CloudWatch Logs; a line that is an EMF JSON object
becomes a metric there without any API call (so no ``cloudwatch:PutMetricData`` grant). The
template's ``FollowupNoticeFailuresAlarm`` (deploy/operations.py) watches
``PartnerPulse / FollowupNoticeFailed`` for the stage. Locally the line is just a log line.
"""
from __future__ import annotations

import json
import sys
import time

NAMESPACE = "PartnerPulse"
METRIC = "FollowupNoticeFailed"


def emf_line(kind: str, stage: str, reason: str, now_ms: int | None = None) -> str:
    """One EMF document: ``FollowupNoticeFailed = 1`` with dimension ``Stage``; kind and reason as properties."""
    return json.dumps({
        "_aws": {"Timestamp": int(time.time() * 1000) if now_ms is None else now_ms,
                 "CloudWatchMetrics": [{"Namespace": NAMESPACE, "Dimensions": [["Stage"]],
                                        "Metrics": [{"Name": METRIC, "Unit": "Count"}]}]},
        "Stage": stage or "unknown", METRIC: 1, "NoticeKind": kind, "Reason": reason[:200]})


def record_notice_failure(kind: str, stage: str, reason: str, stream=None) -> None:
    """Write the metric line to stdout (Lambda forwards it to CloudWatch Logs as is)."""
    out = stream or sys.stdout
    out.write(emf_line(kind, stage, reason) + "\n")
    out.flush()
