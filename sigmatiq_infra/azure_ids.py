"""Azure resource ids, built from a subscription id and names: one place for their format.

Used to adopt (import) resources that already exist, so nothing is looked up at synth.
"""

from __future__ import annotations

import re

SUBSCRIPTION_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
GUID = SUBSCRIPTION_ID


def resource_group_id(subscription_id: str, resource_group: str) -> str:
    return f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"


def resource_id(subscription_id: str, resource_group: str, arm_type: str, name: str) -> str:
    """The ARM id of a top-level resource, e.g. a vault: `.../providers/Microsoft.KeyVault/vaults/kv`
    (each construct class names its `arm_type`)."""
    return f"{resource_group_id(subscription_id, resource_group)}/providers/{arm_type}/{name}"


def child_id(parent_id: str, child_type: str, name: str) -> str:
    """A child resource, e.g. a database: `<server id>/databases/<name>`."""
    return f"{parent_id}/{child_type}/{name}"


def role_assignment_id(scope_id: str, assignment_guid: str) -> str:
    return f"{scope_id}/providers/Microsoft.Authorization/roleAssignments/{assignment_guid}"
