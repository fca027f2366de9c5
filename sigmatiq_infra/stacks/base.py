"""What every stack starts with: the azurerm provider, with data-safe features, its tags and
where its Terraform state lives."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from constructs import Construct, IConstruct

from sigmatiq_infra._cdktf import App as TerraformApp
from sigmatiq_infra._cdktf import AzurermBackend, TerraformElement, TerraformStack
from sigmatiq_infra.aspects.tags import tag_resources
from sigmatiq_infra.azurerm import provider
from sigmatiq_infra.constructs._arguments import check_arguments, checked_call
from sigmatiq_infra.constructs._context import (
    AzureConstruct,
    checked_id,
    context_of,
    free_id,
    make_under_free_id,
)
from sigmatiq_infra.constructs._resource import AzureResource, IWorkspace
from sigmatiq_infra.constructs.storage_account import check_container_name
from sigmatiq_infra.tokens import is_token
from sigmatiq_infra.validation import PROBLEM_LOG, NameRules, ProblemLog, ValidationError, Validator

RESOURCE_PROVIDER_SETS = ("legacy", "core", "extended", "all", "none")
"""The sets of Azure resource providers the azurerm provider registers as it starts
(`resource_provider_registrations`): `legacy`, about 60 providers, was 4.x's default; 5.0
makes `none` the default (5.0 upgrade guide, "Resource Provider Registration Changes")."""
_NAMESPACE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$")
"""A resource provider namespace: `Microsoft.App`, `Microsoft.DBforPostgreSQL`."""


@dataclass(frozen=True)
class BlobStateBackend:
    """Terraform state in an Azure Storage blob container, reached with Entra ID (no
    account keys): one blob per stack, `<stack id>.tfstate` unless `key` says otherwise.
    Terraform locks the blob with a lease during plan and apply."""

    resource_group: str
    """The storage account's resource group."""
    storage_account: str
    """The storage account's name."""
    container: str = "tfstate"
    """The blob container."""
    key: str | None = None
    """The blob's name: 1-1,024 characters, unique among the app's stacks that share the
    container. Default: `<stack id>.tfstate`."""


check_arguments(BlobStateBackend)  # a missing or misspelled field: one problem, not Python's TypeError


MAX_BLOB_NAME = 1024
"""Azure's longest blob name (Microsoft Learn, "Naming and Referencing Containers, Blobs, and
Metadata": 1-1,024 characters, case-sensitive; control characters 0x00-0x1F are not allowed)."""


STACK_ID_GLOBS = "*?[]{}!"
"""Characters cdktf refuses in a stack id: its CLI takes them as patterns (`cdktf deploy '*-prod'`)."""


def _app_log(scope: Construct) -> ProblemLog | None:
    """The problem log of this library's `App` (None for another app: problems then raise)."""
    return scope.__dict__.get(PROBLEM_LOG) if isinstance(scope, Construct) else None


_STACK_IDS = "_sigmatiq_stack_ids"
"""The ids of an app's AzureStacks with their paths, by the id's lowercase form (kept on the app)."""

MAX_STACK_ID_BYTES = 255 - len("terraform..tfstate")
"""The longest stack id (in UTF-8 bytes) whose local state file, `terraform.<id>.tfstate`, a file
system names: Linux's and macOS's file names have at most 255 bytes (NAME_MAX); cdktf stops with
ENAMETOOLONG on a longer one."""


def _checked_stack_id(scope: Construct, id: Any) -> str:
    """`id`, or a problem in the app's log (cdktf would stop with a traceback) and an id
    cdktf takes, so the run goes on to report every other problem too."""
    if not isinstance(scope, Construct):
        check = Validator("AzureStack", str(id))
        check.type_problem(
            "scope", scope, f"has the type {type(scope).__name__}", "the app (App)",
            f"pass the app first: AzureStack(app, {id!r})",
        )
        raise ValidationError(check.problems)
    log = _app_log(scope)
    if not isinstance(id, str) or not id or is_token(id):
        return checked_id("AzureStack", scope, id, log)
    # '/' separates construct paths: constructs writes it as '--', and the stack the CLI knows
    # (its folder, `cdktf deploy <id>`) would be another than the one named.
    bad = sorted({c for c in id if c.isspace() or c in STACK_ID_GLOBS or c == "/"}, key=id.index)
    # Control characters: no path holds NUL (cdktf stops with Node's ERR_INVALID_ARG_VALUE), Windows takes
    # none of 0x00-0x1F in a file name (MS-FSCC 2.1.5.2 "Filename"), nor Azure in a blob name (Microsoft Learn,
    # "Naming and Referencing Containers, Blobs, and Metadata"), and the default state key is `<id>.tfstate`.
    control = sorted({c for c in id if ord(c) < 32 and c not in bad}, key=id.index)
    size = len(id.encode())
    if not bad and not control and id not in (".", "..") and size <= MAX_STACK_ID_BYTES:
        return id
    check = Validator("AzureStack", id, log=log)
    fixed = "".join("-" if c in bad or c in control else c for c in id).strip("-") or "stack"
    if id in (".", ".."):
        # cdktf writes the stack to stacks/<id>: stacks/. is the stacks folder itself, stacks/.. the output folder.
        check.fail(
            "id", id, f"names no folder of its own (cdktf would write the stack to stacks/{id}, "
            + ("the stacks folder itself)" if id == "." else "the output folder)"),
            "a stack id that names a folder of its own", "name the stack, e.g. 'app'",
        )
        fixed = "app"
    if control:
        check.fail(
            "id", id, "contains " + ", ".join(repr(c) for c in control),
            "a stack id without control characters (the id names the stack's folder, its state file and its "
            "state blob: Windows takes none in a file name, Azure none in a blob name, no system a NUL)",
            f"name the stack e.g. {fixed!r}",
        )
    if bad:
        check.fail(
            "id", id, "contains " + ", ".join(repr(c) for c in bad),
            "a stack id without spaces, '/' (it separates construct paths) or the characters * ? [ ] { } ! (cdktf's "
            "CLI takes them as patterns, and the id names the stack's folder and its state)",
            f"name the stack e.g. {fixed!r}",
        )
    if size > MAX_STACK_ID_BYTES:
        fixed = fixed.encode()[:MAX_STACK_ID_BYTES].decode(errors="ignore")
        check.fail(
            "id", id, f"has {size} bytes",
            f"a stack id of at most {MAX_STACK_ID_BYTES} bytes (it names the stack's folder, stacks/<id>, and its "
            f"local state file, terraform.<id>.tfstate: a file name has at most 255 bytes)",
            "give the stack a shorter id",
        )
    check.done()
    return free_id(scope, fixed)


def _check_state_key(check: Validator, key: str | None, stack_id: str) -> None:
    """The blob name `key` is one Azure takes; empty is not the default (leaving it out is)."""
    if key is None or is_token(key):
        return
    default = f"{stack_id}.tfstate"
    if not key:
        check.fail(
            "backend.key", key, "is empty", f"a blob name of 1 to {MAX_BLOB_NAME:,} characters, or None for the "
            f"default {default!r}", f"leave key out for the default {default!r}, or name the blob",
        )
        return
    if len(key) > MAX_BLOB_NAME:
        check.fail(
            "backend.key", key, f"has {len(key)} characters", f"a blob name of 1 to {MAX_BLOB_NAME:,} characters",
            f"shorten the key, or leave it out for the default {default!r}",
        )
    control = sorted({c for c in key if ord(c) < 32}, key=key.index)
    if control:
        check.fail(
            "backend.key", key, "contains " + ", ".join(repr(c) for c in control),
            "a blob name without control characters", "remove them from the key",
        )


class AzureStack(TerraformStack):
    """A stack with the azurerm provider configured from its standard authentication,
    `tags` on every taggable resource, and its state in the blob container `backend`
    names (local state when None).

    Subscription and tenant are not set here: the provider reads them from `az login`
    or the `ARM_SUBSCRIPTION_ID`, `ARM_TENANT_ID`, `ARM_CLIENT_ID`, ... variables.

    The provider registers the resource providers `resource_provider_registrations` names
    as it starts, stated in the provider block on every azurerm major: `legacy` by default,
    so a fresh subscription works on 5.x as on 4.x (5.0 would register none). A principal
    that may not register providers sets `none`, with `resource_providers_to_register` for
    exactly the ones the stack uses (`Microsoft.App`, ...), as the 5.0 upgrade guide advises.
    """

    @checked_call
    def __init__(
        self, scope: Construct, id: str, tags: Mapping[str, str] | None = None,
        backend: BlobStateBackend | None = None, *, resource_provider_registrations: str = "legacy",
        resource_providers_to_register: Sequence[str] = (),
    ) -> None:
        id, _ = make_under_free_id(
            lambda free: super(AzureStack, self).__init__(scope, free), "AzureStack", scope,
            _checked_stack_id(scope, id), _app_log(scope),
        )
        # What the stack's constructs share: the app's problem log, tags, ...
        context = context_of(self, stack_scope=scope)
        check = Validator("AzureStack", self, path=id)
        # "Windows file system treats file and directory names as case-insensitive" (Microsoft Learn, "Adjust
        # case sensitivity"), as APFS does in its default variant (Apple's APFS guide): `prod` and `Prod` are
        # one folder and one state file there.
        # The app keeps them, wherever a stack sits in the tree: cdktf names a stack's folder and manifest entry by
        # its id alone, so a second 'svc' under another construct overwrote the first without a word.
        # (On the app itself, the common case, without asking the engine for the root and the path.)
        on_app = _app_log(scope) is not None or isinstance(scope, TerraformApp)
        root, path = (scope, id) if on_app else (self.node.root, self.node.path)
        first, first_path = root.__dict__.setdefault(_STACK_IDS, {}).setdefault(id.lower(), (id, path))
        check.require(
            first != id or first_path == path, "id", id, f"is already the id of the stack {first_path!r}",
            "one stack per id in an app, wherever it sits in the construct tree (cdktf names the stack's folder, "
            "stacks/<id>, its manifest entry and its local state file by the id alone: the second would overwrite "
            "the first)", f"give the stack an id of its own, e.g. {path.replace('/', '-')!r}",
        )
        check.require(
            first == id, "id", id, f"differs from the id of stack {first!r} only in case",
            "stack ids that differ in more than case (each names the stack's folder, stacks/<id>, and its local "
            "state file, terraform.<id>.tfstate: on a file system that compares names in any case, macOS's and "
            "Windows' default, the two stacks would share both and plan against each other's state)",
            f"rename one of {first!r} and {id!r}",
        )
        if isinstance(tags, BlobStateBackend):  # AzureStack(app, id, BlobStateBackend(...)): tags come third
            check.type_problem(
                "tags", tags, "is the state backend, given where the tags go (the argument after the id)",
                "tags (a mapping of str to str) third, and the backend by keyword",
                f"pass it by keyword: AzureStack(app, {id!r}, backend=BlobStateBackend(...))",
            )
        elif check.value_type("tags", tags, Mapping[str, str] | None):
            check.tags("tags", tags or {})
        tags_ok = check.typed
        if check.value_type("backend", backend, BlobStateBackend | None) and backend is not None:
            check.props(backend)
            # "A backend block cannot refer to named values (like input variables, locals, or data
            # source attributes)" (developer.hashicorp.com/terraform/language/backend): Terraform
            # reads it at init, before anything else ("Variables may not be used here").
            for prop in ("resource_group", "storage_account", "container", "key"):
                check.known(
                    f"backend.{prop}", getattr(backend, prop), "Terraform reads the backend at init, before any "
                    "variable or resource, and takes no expression in it", "a value written in code",
                )
            check.name("backend.resource_group", backend.resource_group, NameRules.RESOURCE_GROUP)
            # The backend reads an account that exists (Terraform's azurerm backend stores the state "within the
            # Blob Storage Account"; it creates none), and Azure checks reserved words only when a resource is
            # created (Microsoft Learn, "Resolve errors for reserved resource names"): its own rule, not those.
            check.name(
                "backend.storage_account", backend.storage_account, NameRules.STORAGE_ACCOUNT, created=False,
            )
            check_container_name(check, "backend.container", backend.container)  # '$root' and '$web' too
            _check_state_key(check, backend.key, id)
        if check.value_type("resource_provider_registrations", resource_provider_registrations, str):
            check.one_of(
                "resource_provider_registrations", resource_provider_registrations, RESOURCE_PROVIDER_SETS,
                fix="use 'legacy' (4.x's set), 'none' with resource_providers_to_register, or a larger set",
            )
        if isinstance(resource_providers_to_register, str):
            check.type_problem(
                "resource_providers_to_register", resource_providers_to_register, "is one string, not a list",
                "a list of namespaces", f"write [{resource_providers_to_register!r}]",
            )
        elif check.value_type("resource_providers_to_register", resource_providers_to_register, Sequence[str]):
            seen: set[str] = set()
            for namespace in resource_providers_to_register:
                check.require(
                    bool(_NAMESPACE.match(namespace)), "resource_providers_to_register", namespace,
                    "is not a resource provider namespace", "names such as 'Microsoft.App', 'Microsoft.KeyVault'",
                    "give the namespace, without a resource type ('Microsoft.App', not 'Microsoft.App/containerApps')",
                )
                check.require(
                    namespace.lower() not in seen, "resource_providers_to_register", namespace, "is listed twice",
                    "each namespace once (Azure compares them in any case)", "remove the repeat",
                )
                seen.add(namespace.lower())
        check.done()
        context.tags = dict(tags or {}) if tags_ok else {}  # read by the library's constructs
        if backend is not None and check.typed:
            # One blob per stack; the backend locks it with a blob lease during plan/apply.
            AzurermBackend(
                self,
                resource_group_name=backend.resource_group,
                storage_account_name=backend.storage_account,
                container_name=backend.container,
                key=backend.key or f"{id}.tfstate",
                use_azuread_auth=True,
            )
        provider.AzurermProvider(
            self, "azurerm",
            # Storage data-plane calls use Entra ID: the state account has shared keys off.
            storage_use_azuread=True,
            resource_provider_registrations=resource_provider_registrations if check.typed else "legacy",
            resource_providers_to_register=(check.typed and list(resource_providers_to_register)) or None,
            features=[
                provider.AzurermProviderFeatures(
                    key_vault=[
                        provider.AzurermProviderFeaturesKeyVault(
                            # A destroyed vault stays recoverable for its retention period.
                            purge_soft_delete_on_destroy=False,
                            recover_soft_deleted_key_vaults=True,
                        ),
                    ],
                    resource_group=[
                        provider.AzurermProviderFeaturesResourceGroup(
                            prevent_deletion_if_contains_resources=True,
                        ),
                    ],
                ),
            ],
        )

    @property
    def problem_log(self) -> ProblemLog:
        """The app's problem log, which the stack's constructs record problems in."""
        return context_of(self).problems

    @property
    def tags(self) -> dict[str, str]:
        """The tags every taggable resource of the stack gets (a resource's own tags win)."""
        return dict(context_of(self).tags)

    def resources(self) -> list[AzureResource]:
        """The library's resource constructs in this stack, in the order made."""
        return [member for member in context_of(self).members if isinstance(member, AzureResource)]

    def send_diagnostics(self, workspace: IWorkspace) -> None:
        """Diagnostic settings to `workspace` on every resource of the stack that Azure
        Monitor collects from (that the stack manages, that sends nowhere yet, and whose kind
        is expected to: `diagnostics_expected`)."""
        check = Validator("AzureStack", self)
        if not check.value_type("send_diagnostics workspace", workspace, IWorkspace):
            check.done()  # once, here: not again for each resource it would have gone to
            return
        for resource in self.resources():
            if (
                resource.diagnostics and resource.diagnostics_expected and resource._managed is not None
                and not resource.diagnostic_workspaces
            ):
                resource.add_diagnostic_settings(workspace)

    def prepare_stack(self) -> None:
        """Called by cdktf once per stack as synthesis starts. The library's constructs tag
        their resources as they create them; this tags the resources added any other way,
        in one pass (an aspect would cost a jsii callback per construct)."""
        if self.tags:
            tag_resources(_added_directly(self), self.tags)
        super().prepare_stack()


def _added_directly(scope: IConstruct) -> Iterator[IConstruct]:
    """The constructs below `scope` that no library construct created. Library constructs
    are not entered, and neither are Terraform elements, which hold no constructs; an app's
    own construct classes (an `AzureResource` of its own) are, as their binding may be given
    its props' tags rather than `self.resource_tags(...)`."""
    for child in scope.node.children:
        if not isinstance(child, AzureConstruct):
            yield child
            if not isinstance(child, TerraformElement):
                yield from _added_directly(child)
        elif not type(child).__module__.startswith("sigmatiq_infra."):
            yield from _added_directly(child)
