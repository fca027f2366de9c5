"""The plan gate: what a stack's Terraform plan would do, and whether CI lets it through.

Input is the plan as `terraform show -json <planfile>` prints it (Terraform's JSON plan
format: `resource_changes[].change.actions`, `change.importing`, `change.before/after`)
and the stack's `cdk.tf.json`. The gate counts creates, in-place updates, replacements,
deletes and imports, and refuses any plan that would replace or delete a protected
resource: one with `prevent_destroy`, one that holds data, secrets or state (the
construct classes say which types do), one that is adopted (an `import` block) or recorded
as deployed (the app's deployed record, `sigmatiq_infra.deployed`). A `Replacement` opt-in
lets exactly that change through: the resource by its Azure name (and Terraform type, when
the opt-in names it), replaced because of the argument it names, or deleted (`opts_in`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sigmatiq_infra.deployed import DELETE, REPLACE, DeployedResource, Replacement

KINDS = ("create", "update", "replace", "delete", "import")


@dataclass(frozen=True)
class Change:
    address: str
    type: str
    logical_id: str
    kind: str
    """`create`, `update`, `replace`, `delete`, `no-op`, `read` or `forget`."""
    importing: bool
    azure_name: str | None
    replace_paths: tuple[str, ...] = ()
    """The arguments whose change forces the replacement, as the plan names them
    (`change.replace_paths`, first step of each path); empty when it names none."""
    action_reason: str | None = None
    """Terraform's reason (`replace_because_tainted`, `replace_by_request`, ...), when it gives one."""
    deposed: str | None = None
    """For an object create-before-destroy left behind (`deposed`), its key."""
    module: str | None = None
    """The child module the resource is in (`module_address`, e.g. `module.network`); None in the root."""


def changes_of(plan: Mapping[str, Any]) -> list[Change]:
    """Every managed-resource change in a JSON plan."""
    found = []
    for entry in plan.get("resource_changes", []):
        if entry.get("mode") != "managed":
            continue
        change = entry.get("change", {})
        actions = list(change.get("actions", []))
        if sorted(actions) == ["create", "delete"]:
            kind = "replace"
        elif len(actions) == 1:
            kind = actions[0]
        else:
            kind = "+".join(actions)
        names = [state.get("name") for state in (change.get("before"), change.get("after")) if isinstance(state, dict)]
        paths = entry.get("change", {}).get("replace_paths") or []
        found.append(Change(
            address=entry["address"], type=entry["type"], logical_id=entry["name"], kind=kind,
            importing="importing" in change,
            azure_name=next((name for name in names if isinstance(name, str)), None),
            replace_paths=tuple(dict.fromkeys(
                str(path[0]) for path in paths if isinstance(path, list) and path and isinstance(path[0], str)
            )),
            action_reason=entry.get("action_reason") if isinstance(entry.get("action_reason"), str) else None,
            deposed=entry.get("deposed") if isinstance(entry.get("deposed"), str) else None,
            module=entry.get("module_address") if isinstance(entry.get("module_address"), str) else None,
        ))
    return found


def counts(changes: Iterable[Change]) -> dict[str, int]:
    """How many changes of each kind (imports counted besides their action)."""
    tally = dict.fromkeys(KINDS, 0)
    for change in changes:
        if change.kind in tally:
            tally[change.kind] += 1
        if change.importing:
            tally["import"] += 1
    return tally


def drift(stacks: Mapping[str, Sequence[Change]]) -> list[str]:
    """Every change a plan would make (anything but no-op and reads), one line each: what a
    scheduled diff against the deployed estate reports as drift."""
    return [
        f"- {stack}: {change.kind}{' (import)' if change.importing else ''} `{change.address}` "
        f"({change.azure_name or 'unnamed'})"
        for stack, changes in stacks.items() for change in changes
        if change.kind not in ("no-op", "read") or change.importing
    ]


def blocked(
    stack: str, changes: Iterable[Change], config: Mapping[str, Any], record: Sequence[DeployedResource],
    replacements: Sequence[Replacement], holds: Mapping[str, str],
) -> list[str]:
    """Why the plan may not go ahead: one line per replacement or deletion of a protected
    resource without an opt-in. `holds` maps Terraform types to what they hold."""
    imported = {block.get("to") for block in config.get("import", [])}
    recorded = {(d.type, d.name) for d in record if d.stack == stack}
    found = []
    for change in changes:
        if change.kind not in ("replace", "delete"):
            continue
        # a child module's resource is configured in the module's source, not in the stack's resources,
        # where a root resource of the same type and id is another one
        resource = {} if change.module else config.get("resource", {}).get(change.type, {}).get(change.logical_id, {})
        reasons = []
        if resource.get("lifecycle", {}).get("prevent_destroy"):
            reasons.append("it has prevent_destroy")
        if change.type in holds:
            reasons.append(f"it holds {holds[change.type]}")
        if change.address in imported:
            reasons.append("it is adopted (imported)")
        if (change.type, change.azure_name) in recorded:
            reasons.append("it is recorded as deployed")
        if not reasons:
            continue
        if not any(opts_in(replacement, change) for replacement in replacements):
            what = "replace" if change.kind == "replace" else "delete"
            argument = DELETE if change.kind == "delete" else (change.replace_paths or (REPLACE,))[0]
            because = (
                f" (forced by {', '.join(change.replace_paths)})" if change.kind == "replace" and change.replace_paths
                else f" ({change.action_reason})" if change.kind == "replace" and change.action_reason else ""
            )
            if change.deposed:
                because += f" (its deposed object {change.deposed}, left by a create-before-destroy)"
            found.append(
                f"{stack}: the plan would {what} {change.address} ({change.azure_name or 'unnamed'}){because}, which "
                f"is protected: {'; '.join(reasons)}. Fix: change the code or settings that cause it, or opt in "
                f"with Replacement({change.azure_name!r}, {argument!r}, type={change.type!r}, reason=...) in the "
                f"{stack} adoption settings."
            )
    return found


def opts_in(replacement: Replacement, change: Change) -> bool:
    """Whether `replacement` lets exactly this change through: the resource's Azure name, its
    Terraform type when the opt-in names one, and for a replacement the argument the plan
    says forces it, or `replace` when the plan names none (a tainted resource, `-replace`,
    `replace_triggered_by`); for a deletion `delete`."""
    if not replacement.names(change.azure_name, change.type):
        return False
    if change.kind == "delete":
        return replacement.argument == DELETE
    if change.replace_paths:
        return replacement.argument in change.replace_paths
    return replacement.argument == REPLACE


def summary(stacks: Mapping[str, Sequence[Change]], refused: Mapping[str, Sequence[str]]) -> str:
    """A Markdown table for the CI job summary, then the destructive changes and the verdict."""
    lines = [
        "| stack | create | update | replace | delete | import | gate |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for stack, changes in stacks.items():
        tally = counts(changes)
        verdict = "refused" if refused.get(stack) else "passed"
        lines.append(f"| {stack} | " + " | ".join(str(tally[kind]) for kind in KINDS) + f" | {verdict} |")
    destructive = [
        f"- {stack}: {change.kind} `{change.address}` ({change.azure_name or 'unnamed'})"
        for stack, changes in stacks.items() for change in changes if change.kind in ("replace", "delete")
    ]
    if destructive:
        lines += ["", "Replacements and deletions:", *destructive]
    problems = [problem for found in refused.values() for problem in found]
    if problems:
        lines += ["", "Refused by the plan gate:", *(f"- {problem}" for problem in problems)]
    return "\n".join(lines) + "\n"
