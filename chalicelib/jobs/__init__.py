"""Scheduled functions (EventBridge -> Lambda), each a Chalice blueprint handing to a use case."""
