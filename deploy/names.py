"""Logical ids Chalice gives a function's resources in the packaged template (and ours beside them)."""
from __future__ import annotations

from chalice.utils import to_cfn_resource_name

API_HANDLER = "api_handler"


def function_id(name: str) -> str:
    """``APIHandler`` for the REST API, else Chalice's CamelCase of the function name."""
    return "APIHandler" if name == API_HANDLER else to_cfn_resource_name(name)


def role_id(name: str) -> str:
    """Chalice names a function's role ``<name>_role`` when ``autogen_policy`` is off."""
    return to_cfn_resource_name(f"{name}_role")


def log_group_id(name: str) -> str:
    """The log group the merge template creates for the function."""
    return to_cfn_resource_name(f"{name}_log_group")
