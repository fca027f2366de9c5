"""Checks of what every stack of an app synthesized, before anything is written.

Some mistakes are visible only in the whole app: two constructs (in one stack or in two)
that give Azure the same name where Azure keeps names unique, a resource with more tags
than its type takes once the stack's tags are added, two stacks whose state is one blob,
or one role assigned twice to one principal on one Azure resource. Each construct class states where
Azure keeps a type's names unique and how many tags it takes (`ResourceFacts.name_scope`,
`max_tags`); these checks read the synthesized JSON, so they see every name, the ones the
library derives (an NSG per subnet, a private DNS zone per service) included, and a user's
own resources of those types too. Names are compared as Azure compares them: in any case.

A name or a scope Terraform only knows at deploy time (a variable, another resource's
computed attribute) is not compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigmatiq_infra.validation import Validator

_VARIABLE = re.compile(r"\bvar\.([A-Za-z0-9_-]+)")
_INPUT_REFERENCE = re.compile(r"\b(?:var|local)\.[A-Za-z0-9_-]+")
_STACK_READ = r"data\.terraform_remote_state\.cross-stack-reference-input-([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)"
"""How a stack reads a value of another (cdktf's remote state of it): its stack and output."""
_STACK_OUTPUT_READ = re.compile(rf"\b{_STACK_READ}")
_STACK_OUTPUT = re.compile(rf"^\$\{{{_STACK_READ}\}}$")
"""A value that is another stack's value, whole."""
_REFERENCE = re.compile(r"^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$")


@dataclass(frozen=True)
class _Resource:
    stack: str
    type: str
    logical_id: str
    config: Mapping[str, Any]

    @property
    def path(self) -> str:
        """The construct's path (`beta/Vault`), as the app's messages name constructs."""
        path = self.config.get("//", {}).get("metadata", {}).get("path", f"{self.stack}/{self.logical_id}")
        return path.removesuffix("/Resource")


def check_output(outdir: Path, tags_counted: Collection[str] = (), inputs_reported: Collection[str] = ()) -> list[str]:
    """The problems of the stacks synthesized into `outdir` (`stacks/<name>/cdk.tf.json`);
    `tags_counted`: the stacks and construct paths whose tag count is reported already;
    `inputs_reported`: the secret inputs reported as used in another stack already."""
    from sigmatiq_infra.constructs import resource_facts

    documents = {
        path.parent.name: json.loads(path.read_text()) for path in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    }
    return check_documents(documents, resource_facts(), tags_counted, inputs_reported)


def check_documents(
    documents: Mapping[str, Mapping[str, Any]], facts: Mapping[str, Any], tags_counted: Collection[str] = (),
    inputs_reported: Collection[str] = (),
) -> list[str]:
    """`check_output` on parsed stacks: {stack name: its cdk.tf.json}."""
    problems: list[str] = []
    groups: dict[tuple, list[tuple[_Resource, tuple[str, ...]]]] = {}
    identities: dict[int, str] = {}
    every: dict[str, _Names] = {}
    every.update((stack, _Names(document, every)) for stack, document in documents.items())
    unscoped: set[str] = set()
    for stack, document in documents.items():
        names = every[stack]
        for resource in _resources(stack, document):
            kind = facts.get(resource.type)
            if kind is None:
                continue
            if stack not in tags_counted and resource.path not in tags_counted:
                problems += _tag_problems(resource, kind)
            if resource.type not in unscoped and (problem := _unset_scope(resource, kind)) is not None:
                unscoped.add(resource.type)
                problems.append(problem)
            key = names.key(resource, kind)
            if key is not None:
                groups.setdefault(key, []).append((resource, key[2:-1]))
                identities[id(resource)] = names.own_identity(resource)
    # Two groups (or zones, NSGs) of one name make everything in them collide too: report
    # the parents only. A scope part names its parent by identity or, for a name argument
    # (`zone_name`), by name.
    colliding = {identities[id(r)] for members in groups.values() if len(members) > 1 for r, _ in members}
    colliding |= {identity.rsplit("|", 1)[-1] for identity in colliding}
    for members in groups.values():
        first, _ = members[0]
        for resource, scope in members[1:]:
            if not colliding & set(scope):
                problems.append(_collision(resource, first, facts[resource.type]))
    return (
        problems + _shared_state_blobs(documents) + _repeated_role_assignments(documents, facts)
        + _stacks_without_the_provider(documents) + _ephemeral_inputs_passed_on(documents, inputs_reported)
        + _ephemeral_values_kept(documents, facts) + _sensitive_values_in_plain_env(documents, facts)
        + _lookups_of_own_resources(documents, facts, every)
    )


def _lookups_of_own_resources(
    documents: Mapping[str, Mapping[str, Any]], facts: Mapping[str, Any], names: Mapping[str, _Names],
) -> list[str]:
    """A lookup (`from_existing`) of a resource its own stack creates: one name, group and
    subscription. Terraform reads a data source while it plans when its arguments are known
    ("Terraform attempts to query data sources during the planning phase": developer.hashicorp.com,
    terraform/language/data-sources), before it creates anything, so the stack's first plan stops
    with the provider's "not found". A lookup is for what another stack or tool manages."""
    problems: list[str] = []
    for stack, document in documents.items():
        made: dict[tuple, _Resource] = {}
        for resource in _resources(stack, document):
            if (key := _lookup_key(names[stack], resource, facts)) is not None:
                made.setdefault(key, resource)
        for tf_type, found in document.get("data", {}).items():
            for logical_id, config in found.items():
                lookup = _Resource(stack, tf_type, logical_id, config)
                resource = made.get(_lookup_key(names[stack], lookup, facts) or ())
                if resource is None:
                    continue
                kind = facts[tf_type].kind or tf_type
                check = Validator(f"{kind} lookup", lookup.path)
                check.fail(
                    "name", config.get("name"),
                    f"is the name of {kind} '{resource.path}', which this stack creates: Terraform reads a lookup "
                    "while it plans, before it creates anything, so the stack's first plan stops with 'not found'",
                    "a lookup of a resource that another stack or tool manages",
                    f"use the construct '{resource.path}' itself where the lookup is used",
                )
                problems += check.problems
    return problems


def _lookup_key(names: _Names, resource: _Resource, facts: Mapping[str, Any]) -> tuple | None:
    """What a lookup and a resource of one type share when they are one Azure resource: name,
    resource group and subscription, as Azure compares them; None where one is known only at deploy time."""
    kind = facts.get(resource.type)
    if getattr(kind, "name_scope", None) is None or "resource_group_name" not in resource.config:
        return None
    name = names.literal(resource.config.get("name"))
    group = names.identity(resource.config.get("resource_group_name"))
    subscription = names.subscription(resource.config)
    if name is None or group is None or subscription is None:
        return None
    return (resource.type, subscription, group, name.lower())


def _ephemeral_inputs_passed_on(documents: Mapping[str, Mapping[str, Any]], reported: Collection[str]) -> list[str]:
    """A resource that reads another stack's ephemeral input (a secret input), however the
    value was built (a connection URL, a WriteOnlySecret written by hand): cdktf passes it as
    an output, which Terraform refuses ("Ephemeral value not allowed": a root module's output
    cannot be ephemeral). `reported`: the inputs (`<stack>/<name>`) a construct reported already."""
    passed: dict[str, tuple[str, str]] = {}  # how another stack reads the output: (its stack, the input)
    for made, document in documents.items():
        ephemeral = {name for name, variable in document.get("variable", {}).items() if variable.get("ephemeral")}
        for name, output in document.get("output", {}).items():
            for variable in sorted(set(_VARIABLE.findall(json.dumps(output.get("value")))) & ephemeral):
                if f"{made}/{variable}" not in reported:
                    passed[f"cross-stack-reference-input-{made}.outputs.{name}"] = (made, variable)
    problems: list[str] = []
    for used, document in documents.items():
        for resource in _resources(used, document) if passed else ():
            text = json.dumps(resource.config)
            for made, variable in dict.fromkeys(found for read, found in passed.items() if read in text):
                check = Validator("AzureStack", used)
                check.fail(
                    f"{resource.path} value", variable,
                    f"holds a deploy-time secret input of stack '{made}' (Terraform passes no ephemeral value from "
                    "one stack to another: 'Ephemeral value not allowed' in the output cdktf writes for it)",
                    "a secret input of the stack that sends it to Azure",
                    f"make the input in stack '{used}' with WriteOnlySecret.from_inputs(<stack '{used}'>, "
                    f"{variable!r}, ...) and build the value there, or make {resource.path} in stack '{made}'",
                )
                problems += check.problems
    return problems


def _ephemeral_values_kept(documents: Mapping[str, Mapping[str, Any]], facts: Mapping[str, Any]) -> list[str]:
    """A deploy-time secret input (an ephemeral variable, or a local built from one) in what
    Terraform keeps in state and plan: an argument of an azurerm resource or lookup other than a
    write-only one (azurerm names those `<argument>_wo`) or of a `terraform_data` (it has none),
    or one of the stack's own outputs; and a sensitive input or attribute (`ResourceFacts.sensitive`)
    in an output not marked sensitive.
    Terraform refuses each at validate ("Invalid use of ephemeral value", "Ephemeral value not
    allowed", "Output refers to sensitive values"); a `lifecycle` condition, a provisioner or
    connection, and `ephemeralasnull(...)` may read an ephemeral value, `nonsensitive(...)` a
    sensitive one (Terraform 1.11, as `terraform validate` reports). The outputs cdktf writes for
    another stack are `_ephemeral_inputs_passed_on`'s."""
    problems: list[str] = []
    for stack, document in documents.items():
        secret = _inputs_read(document, "ephemeral", "ephemeralasnull")
        for section in ("resource", "data") if secret else ():
            for tf_type, found in document.get(section, {}).items():
                if not tf_type.startswith("azurerm_") and tf_type != "terraform_data":
                    continue  # another provider's write-only arguments are not known here
                for logical_id, config in found.items():
                    text = json.dumps(config)
                    if not any(reference in text for reference in secret):
                        continue  # reads no secret input: nothing to walk
                    resource = _Resource(stack, tf_type, logical_id, config)
                    for argument, name in _secret_arguments(config, secret):
                        check = Validator("AzureStack", stack)
                        check.fail(
                            f"{resource.path} argument {argument}", name,
                            "reads a deploy-time secret input (ephemeral) in an argument Terraform keeps in state "
                            "and plan: Terraform refuses it ('Invalid use of ephemeral value')",
                            "a secret input in a write-only argument only (azurerm names them <argument>_wo, such "
                            "as a Key Vault secret's value_wo)",
                            "store the value as a Key Vault secret, vault.add_secret(id, SecretProps(name, "
                            "WriteOnlySecret(<the value>, <its version>))), and pass the secret instead (a container "
                            "app reads it through secret_env), or make the value of no secret input",
                        )
                        problems += check.problems
        for name, output in document.get("output", {}).items():
            if name.startswith("cross-stack-output-"):
                continue
            check = Validator("TerraformOutput", f"{stack}/{name}")
            text = json.dumps(output.get("value"))
            if (used := _reads(text, secret, "ephemeralasnull")) is not None:
                check.fail(
                    "value", used,
                    "reads a deploy-time secret input (ephemeral), which a stack's output cannot hold: Terraform "
                    "refuses it ('Ephemeral value not allowed')",
                    "an output of values Terraform keeps (no secret input)",
                    "leave the secret input out of the output (Terraform keeps no ephemeral value after a run)",
                )
            elif not output.get("sensitive") and (found := _sensitive_value(documents, stack, text, facts)):
                check.fail(
                    "value", _Reads(found[0]), "and is not marked sensitive: Terraform refuses it ('Output refers to "
                    "sensitive values')", "a sensitive value in an output marked sensitive",
                    f"mark the output sensitive: TerraformOutput(stack, {name!r}, value=..., sensitive=True)",
                )
            problems += check.problems
    return problems


class _Reads(str):
    """What a value reads, as a message shows it: `reads <what>`, not quoted."""

    def __repr__(self) -> str:
        return f"reads {self}"


def _inputs_read(document: Mapping[str, Any], marked: str, cleared: str) -> dict[str, str]:
    """{`var.<name>` and `local.<name>` that are `marked` (ephemeral, sensitive): the input each
    one reads}. A local is so when its value reads such a value outside `cleared(...)`
    (Terraform makes it so)."""
    found = {f"var.{name}": name for name, variable in document.get("variable", {}).items()
             if variable.get(marked)}
    locals_ = document.get("locals", {})
    grown = bool(found)
    while grown:
        grown = False
        for name, value in locals_.items():
            reference = f"local.{name}"
            if reference not in found and (read := _reads(json.dumps(value), found, cleared)) is not None:
                found[reference], grown = read, True
    return found


def _secret_arguments(config: Mapping[str, Any], secret: Mapping[str, str], at: str = "") -> list[tuple[str, str]]:
    """(argument path, the input it reads) for each value in `config` that reads a secret."""
    found: list[tuple[str, str]] = []
    for key, value in config.items():
        if not at and key in ("//", "lifecycle", "provisioner", "connection", "depends_on", "provider"):
            continue
        if key.endswith("_wo"):
            continue
        path = f"{at}.{key}" if at else key
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            where = path if index is None else f"{path}[{index}]"
            if isinstance(item, Mapping):
                found += _secret_arguments(item, secret, where)
            elif (name := _reads(json.dumps(item), secret, "ephemeralasnull")) is not None:
                found.append((where, name))
    return found


def _reads(text: str, references: Mapping[str, str], cleared: str) -> str | None:
    """The input an expression in `text` reads through `references`, outside `cleared(...)`
    calls; None if none."""
    for reference in _INPUT_REFERENCE.findall(_uncleared(text, cleared)):
        if reference in references:
            return references[reference]
    return None


def _uncleared(text: str, cleared: str) -> str:
    """`text` without its `cleared(...)` calls."""
    call = f"{cleared}("
    while (start := text.find(call)) >= 0:
        depth = 0
        for end in range(start + len(cleared), len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        text = text[:start] + text[end + 1:]
    return text


def _sensitive_values_in_plain_env(documents: Mapping[str, Mapping[str, Any]], facts: Mapping[str, Any]) -> list[str]:
    """A secret in a container app's plain `env`: a sensitive deploy-time input, or an attribute
    azurerm marks sensitive (`ResourceFacts.sensitive`: an access key, a connection string), read
    outside `nonsensitive(...)`. Terraform takes it (it only masks it in the plan), and Azure then
    shows it to anyone who can read the app; sensitive values are the app's secrets, referenced
    from Key Vault (Microsoft Learn, "Manage secrets in Azure Container Apps"). A secret input
    (ephemeral) is `_ephemeral_values_kept`'s: Terraform refuses it there."""
    problems: list[str] = []
    for stack, document in documents.items():
        for resource in _resources(stack, document):
            if resource.type != "azurerm_container_app":
                continue
            for template in _blocks(resource.config.get("template")):
                for container in _blocks(template.get("container")) + _blocks(template.get("init_container")):
                    for variable in _blocks(container.get("env")):
                        found = _sensitive_value(documents, stack, json.dumps(variable.get("value")), facts)
                        if found is None:
                            continue
                        what, fix = found
                        name = variable.get("name")
                        check = Validator("ContainerApp", resource.path)
                        check.fail(
                            "env", name,
                            f"reads {what}, a secret: Azure shows a container app's plain environment variables to "
                            "anyone who can read the app (portal, CLI, template export), and Terraform only masks it "
                            "in its plan",
                            "secrets through secret_env (Key Vault references the app reads with its identity); "
                            "plain env for values that are no secret",
                            "store it as a Key Vault secret, vault.add_secret(id, SecretProps(name, WriteOnlySecret("
                            f"<the value>, <its version>))), and pass the reference it returns as secret_env[{name!r}]"
                            + fix,
                        )
                        problems += check.problems
    return problems


_ATTRIBUTE = re.compile(r"\b(?:data\.)?(azurerm_[a-z0-9_]+)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_*]+|\[[0-9*]+\])+)")


def _sensitive_value(
    documents: Mapping[str, Mapping[str, Any]], stack: str, text: str, facts: Mapping[str, Any],
    seen: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[str, str] | None:
    """(what sensitive value the expression `text` of `stack` reads outside `nonsensitive(...)`,
    the fix's addition for it), through its locals and another stack's values; None if it reads
    none."""
    document = documents.get(stack, {})
    text = _uncleared(text, "nonsensitive")
    inputs = _inputs_read(document, "sensitive", "nonsensitive")
    ephemeral = _inputs_read(document, "ephemeral", "ephemeralasnull")
    for reference in _INPUT_REFERENCE.findall(text):
        if reference in inputs and reference not in ephemeral:
            return (
                f"the sensitive deploy-time input {inputs[reference]}",
                " (or, for a value that is no secret, mark the input sensitive=False)",
            )
    for match in _ATTRIBUTE.finditer(text):
        kind = facts.get(match.group(1))
        attribute = ".".join(part for part in re.sub(r"\[[^]]*\]", "", match.group(3)).split(".")
                             if part and not part.isdigit() and part != "*")
        if kind is not None and attribute in kind.sensitive:
            section = "data" if match.group(0).startswith("data.") else "resource"
            config = document.get(section, {}).get(match.group(1), {}).get(match.group(2), {})
            path = _Resource(stack, match.group(1), match.group(2), config).path
            return f"the {attribute} of {kind.kind or match.group(1)} '{path}'", ""
    # What a local or another stack's value (the output cdktf writes for it) holds, in its own
    # stack; `seen` ends a cycle, which Terraform refuses anyway.
    followed = [
        (stack, documents.get(stack, {}).get("locals", {}).get(reference.removeprefix("local."), {}))
        for reference in _INPUT_REFERENCE.findall(text) if reference.startswith("local.")
    ] + [
        (match.group(1), documents.get(match.group(1), {}).get("output", {}).get(match.group(2), {}).get("value"))
        for match in _STACK_OUTPUT_READ.finditer(text)
    ]
    for owner, value in followed:
        key = (owner, json.dumps(value))
        if value and key not in seen:
            found = _sensitive_value(documents, owner, key[1], facts, seen | {key})
            if found is not None:
                return found
    return None


def _blocks(value: Any) -> list[Mapping[str, Any]]:
    """A nested block as the JSON has it (one object, or a list of them), as a list."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _stacks_without_the_provider(documents: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Stacks with azurerm resources or lookups and no azurerm provider (a plain
    `TerraformStack`): Terraform would install the newest azurerm, unpinned, and refuse the
    plan for the provider's required `features` block (azurerm's provider docs). A stack whose
    azurerm providers all have an alias is refused alike for what names none: Terraform gives it
    an empty default configuration ("Insufficient features blocks", IBM Support 7266113)."""
    problems: list[str] = []
    for stack, document in documents.items():
        used = sorted({kind for section in ("resource", "data") for kind, items in document.get(section, {}).items()
                       if kind.startswith("azurerm_") and any("provider" not in item for item in items.values())})
        configured = document.get("provider", {}).get("azurerm")
        if not used or any(not config.get("alias") for config in configured or ()):
            continue
        check = Validator("TerraformStack", stack)
        listed = ", ".join(used[:3]) + (", ..." if len(used) > 3 else "")
        check.fail(
            "provider", "azurerm",
            f"has only aliased configurations, yet the stack holds {listed} naming none (Terraform would give "
            "them an empty default configuration and refuse the plan without its features block)" if configured else
            f"is missing, yet the stack holds {listed} (Terraform would install the newest azurerm, unpinned, and "
            "refuse the plan without the provider's features block)",
            "a stack with the azurerm provider: an AzureStack (its provider pinned and configured, its tags and state)",
            f"make the stack with AzureStack(app, {stack!r}) from sigmatiq_infra, or add AzurermProvider(stack, "
            "'azurerm', features=[AzurermProviderFeatures()]) to it",
        )
        problems += check.problems
    return problems


def _shared_state_blobs(documents: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Stacks whose azurerm backends name one blob: Terraform would plan each against the
    other's state, and destroy what the other deployed. A storage account's name is unique
    across Azure, so account, container and key name the blob (its name is case-sensitive)."""
    problems: list[str] = []
    owners: dict[tuple[str, str, str], str] = {}
    for stack, document in documents.items():
        backend = document.get("terraform", {}).get("backend", {}).get("azurerm")
        if not isinstance(backend, Mapping):
            continue
        parts = (backend.get("storage_account_name"), backend.get("container_name"), backend.get("key"))
        if not all(isinstance(part, str) and "${" not in part for part in parts):
            continue
        account, container, key = parts
        blob = (account.lower(), container.lower(), key)
        if blob not in owners:
            owners[blob] = stack
            continue
        check = Validator("AzureStack", stack)
        check.fail(
            "backend.key", key,
            f"is already the state blob of stack '{owners[blob]}' (storage account {account!r}, container "
            f"{container!r}), so either stack's deploy would plan against the other's state and destroy what "
            "it deployed",
            "one state blob per stack", "give one of the two its own key (leaving key out gives '<stack id>.tfstate')",
        )
        problems += check.problems
    return problems


_ROLE_DEFINITION = re.compile(r"/roleDefinitions/([0-9a-fA-F-]{36})$")


def _repeated_role_assignments(documents: Mapping[str, Mapping[str, Any]], facts: Mapping[str, Any]) -> list[str]:
    """Two assignments of one role to one principal on one scope, in one stack or in two: Azure
    refuses the second (RoleAssignmentExists: Microsoft Learn, Authorization REST API, common
    errors). `grant()` assigns a role once per construct it is asked on; here two constructs that
    are one Azure resource are seen (a lookup of a shared vault in each of two stacks). A scope
    or principal is compared only where its identity is exact: a literal id, or a resource of a
    type whose name is unique in its group, the subscription or all of Azure."""
    from sigmatiq_infra.constructs.roles import BuiltInRole

    problems: list[str] = []
    first: dict[tuple[str, str, str], _Resource] = {}
    names = {stack: _Names(document) for stack, document in documents.items()}
    for stack, document in documents.items():
        for resource in _resources(stack, document):
            if resource.type != "azurerm_role_assignment":
                continue
            role = _ROLE_DEFINITION.search(str(resource.config.get("role_definition_id", "")))
            scope = _exact_identity(*_followed(documents, names, stack, resource.config.get("scope")), facts)
            principal = _exact_identity(
                *_followed(documents, names, stack, resource.config.get("principal_id")), facts,
            )
            if role is None or scope is None or principal is None:
                continue
            guid = role.group(1).lower()
            earlier = first.setdefault((scope, guid, principal), resource)
            if earlier is resource:
                continue
            same_stack = earlier.stack == resource.stack
            check = Validator("role assignment", resource.path)
            check.fail(
                "role", next((built.display_name for built in BuiltInRole if built.guid == guid), guid),
                f"is already assigned to the same principal on the same scope by role assignment '{earlier.path}', "
                "and Azure refuses a second assignment (RoleAssignmentExists)",
                "one assignment of a role to a principal on a scope, in one stack of the app",
                "grant it on one of the two constructs only (they are one Azure resource)" if same_stack else
                f"grant it in one of the stacks '{earlier.stack}' and '{resource.stack}' only (the other has the "
                "access once that one is deployed)",
            )
            problems += check.problems
    return problems




def _followed(
    documents: Mapping[str, Mapping[str, Any]], names: Mapping[str, _Names], stack: str, value: Any,
) -> tuple[_Names, Any]:
    """A value as the stack that makes it writes it, with that stack's names: another stack's
    resource (a grant made in the principal's or user's stack) is read through that stack's output
    (`${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<output>}`)."""
    match = _STACK_OUTPUT.match(value) if isinstance(value, str) else None
    if match is None or match.group(1) not in documents:
        return names[stack], value
    output = documents[match.group(1)].get("output", {}).get(match.group(2), {})
    return names[match.group(1)], output.get("value") if isinstance(output, Mapping) else None


def _exact_identity(names: _Names, value: Any, facts: Mapping[str, Any]) -> str | None:
    """What a role assignment's scope or principal id names, where that is exact (`_Names.identity`
    names a resource by its type, group and name): a literal id, or a reference to a resource (or
    lookup) whose name is unique in its group, the subscription or all of Azure; else None."""
    if not isinstance(value, str):
        return None
    if "${" not in value:
        return value.lower()
    match = _REFERENCE.match(value)
    scope = getattr(facts.get(match.group(2)), "name_scope", None) if match else None
    if scope is None or scope.by not in ((), ("resource_group_name",)):
        return None
    return names.identity(value)


def _resources(stack: str, document: Mapping[str, Any]) -> Iterator[_Resource]:
    for tf_type, found in document.get("resource", {}).items():
        for logical_id, config in found.items():
            yield _Resource(stack, tf_type, logical_id, config)


class _Names:
    """The names in one stack, with references resolved to what they name: in the stack, and
    through another stack's output in that stack (`stacks`, the app's stacks by name)."""

    def __init__(self, document: Mapping[str, Any], stacks: Mapping[str, _Names] | None = None) -> None:
        self.document = document
        self.stacks = {} if stacks is None else stacks

    def key(self, resource: _Resource, kind: Any) -> tuple | None:
        """Where the resource's name must be unique, with the name as Azure compares it; None
        when Azure names it, or when the name or its scope is known only at deploy time."""
        scope = kind.name_scope
        name = self.literal(resource.config.get("name"))
        if scope is None or name is None:
            return None
        # A scope that lies in one subscription lies in the resource's provider's: a name argument
        # (`resource_group_name`) names a group there; a referenced parent's identity holds its own.
        subscription = "" if scope.across_subscriptions else self.subscription(resource.config)
        parts = [self.identity(resource.config.get(argument)) for argument in scope.by]
        if subscription is None or any(part is None for part in parts):
            return None
        return (resource.type, subscription, *parts, name if scope.case_sensitive else name.lower())

    def subscription(self, config: Mapping[str, Any]) -> str | None:
        """The subscription the provider of a resource (or lookup) names: its `provider`
        meta-argument's (`azurerm.<alias>`), else the stack's default azurerm provider's; `""`
        for the one Terraform takes from the environment (`ARM_SUBSCRIPTION_ID`, `az login`), as
        every AzureStack does; None when known only at deploy time."""
        meta = config.get("provider")
        provider, _, alias = meta.partition(".") if isinstance(meta, str) else ("azurerm", "", "")
        blocks = self.document.get("provider", {}).get(provider, [])
        block = next((b for b in blocks if isinstance(b, Mapping) and b.get("alias", "") == alias), {})
        value = block.get("subscription_id", "")
        if not isinstance(value, str) or "${" in value:
            return None
        return value.lower()

    def own_identity(self, resource: _Resource) -> str:
        """The resource as a scope argument that points at it reads (`identity`)."""
        name = (self.literal(resource.config.get("name")) or "").lower()
        if resource.type == "azurerm_resource_group":
            return name
        group = resource.config.get("resource_group_name")
        owner = self.identity(group) if group is not None else ""
        return f"{resource.type}|{self.subscription(resource.config)}|{owner}|{name}"

    def literal(self, value: Any) -> str | None:
        """A plain string, or the literal name a `${x.y.name}` reference points at."""
        if not isinstance(value, str):
            return None
        if "${" not in value:
            return value
        match = _REFERENCE.match(value)
        if match is None or match.group(4) != "name":
            return None
        config = self._config(match)
        return None if config is None else self.literal(config.get("name"))

    def identity(self, value: Any) -> str | None:
        """What a scope argument points at, as a string equal for equal targets: a literal
        (a resource group name, a subscription id), or `type|scope...|name` of a referenced
        resource or lookup (a vault's `id`)."""
        if not isinstance(value, str):
            return None
        if "${" not in value:
            return value.lower()
        output = _STACK_OUTPUT.match(value)
        if output is not None and output.group(1) in self.stacks:
            # Another stack's value (a record in the zone of a network stack): as that stack writes it.
            other = self.stacks[output.group(1)]
            found = other.document.get("output", {}).get(output.group(2), {})
            return other.identity(found.get("value")) if isinstance(found, Mapping) else None
        match = _REFERENCE.match(value)
        if match is None:
            return None
        if match.group(4) == "name":
            name = self.literal(value)
            return None if name is None else name.lower()
        config = self._config(match)
        if config is None:
            return None
        name = self.literal(config.get("name"))
        group = config.get("resource_group_name")
        owner = self.identity(group) if group is not None else ""
        subscription = self.subscription(config)
        if name is None or owner is None or subscription is None:
            return None
        return f"{match.group(2)}|{subscription}|{owner}|{name.lower()}"

    def _config(self, match: re.Match[str]) -> Mapping[str, Any] | None:
        section = "data" if match.group(1) else "resource"
        return self.document.get(section, {}).get(match.group(2), {}).get(match.group(3))


def _collision(resource: _Resource, first: _Resource, kind: Any) -> str:
    name = resource.config.get("name")
    scope = kind.name_scope
    case = "" if scope.case_sensitive else " (Azure compares names in any case)"
    check = Validator(kind.kind or resource.type, resource.path)
    check.fail(
        "name", name, f"is already the name of {kind.kind or resource.type} '{first.path}'{case}",
        f"one {kind.kind or resource.type} per name in {scope.within}",
        kind.collision_fix
        or "rename one of the two (a name the library derives follows the name you give its construct)",
    )
    return check.problems[0]


def _unset_scope(resource: _Resource, kind: Any) -> str | None:
    """A problem when the `name_scope` of another provider's type (whose arguments the class check
    could not know) names an argument the resource does not set: its name would be compared in no
    scope, silently. An azurerm type's are checked against its binding when its class is defined."""
    scope = kind.name_scope
    if scope is None or resource.type.startswith("azurerm_"):
        return None
    unset = [argument for argument in scope.by if argument not in resource.config]
    if not unset:
        return None
    arguments = sorted(key for key in resource.config if key != "//")
    parent = next((key for key in arguments if key.endswith(("_id", "_name")) and key != "name"), "parent_id")
    check = Validator(kind.kind or resource.type, resource.path)
    check.fail(
        "name_scope argument", unset[0], f"is not set on this {resource.type}, so its name is compared in no scope",
        f"a name_scope naming the arguments of {resource.type} that hold its parent's name or id (set: "
        f"{', '.join(arguments)})",
        f"name those arguments in the facts of its class, e.g. within('its parent', {parent!r})",
    )
    return check.problems[0]


def _tag_problems(resource: _Resource, kind: Any) -> list[str]:
    tags = resource.config.get("tags")
    if not isinstance(tags, Mapping) or len(tags) <= kind.max_tags:
        return []
    check = Validator(kind.kind or resource.type, resource.path)
    check.fail(
        "tags", f"{len(tags)} tags", f"are more than Azure takes on a {kind.kind}",
        f"at most {kind.max_tags} tags on a {kind.kind}, the stack's tags included (Microsoft's tag limits)",
        "give the stack (or the construct) fewer tags",
    )
    return list(check.problems)
