"""Container registry: images pulled by managed identity, never with admin credentials."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from sigmatiq_infra.azurerm import container_registry, data_azurerm_container_registry, role_assignment
from sigmatiq_infra.constructs._arguments import checked_call, made_nothing
from sigmatiq_infra.constructs._existing import ExistingResource
from sigmatiq_infra.constructs._resource import (
    GLOBAL,
    AzureResource,
    DiagnosticTarget,
    IResourceGroup,
    ManagedIdentities,
    PrivateLinkService,
    ResourceAttribute,
    ResourceFacts,
)
from sigmatiq_infra.constructs.roles import BuiltInRole, Principal
from sigmatiq_infra.validation import NameRules, Validator, is_token


class ContainerRegistryBase(AzureResource):
    """What every registry offers, whether this stack creates it or only refers to it."""

    arm_type = "Microsoft.ContainerRegistry/registries"
    kind_text = "container registry"
    private_link = PrivateLinkService("registry", "privatelink.azurecr.io")
    diagnostics = (DiagnosticTarget(),)
    identity_types = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned")
    # Microsoft Learn, "Supported metrics for Microsoft.ContainerRegistry/registries".
    alert_metrics = {  # noqa: RUF012
        "StorageUsed": "Average",
        **dict.fromkeys((
            "SuccessfulPullCount", "TotalPullCount", "SuccessfulPushCount", "TotalPushCount", "RunDuration",
            "AgentPoolCPUTime",
        ), "Total"),
    }
    login_server = ResourceAttribute[str]()

    @checked_call(nothing=made_nothing)
    def grant_pull(
        self, principal: Principal, *, used_by: Construct | None = None,
    ) -> role_assignment.RoleAssignment | None:
        """AcrPull: pull images (what a container app's identity needs)."""
        return self.grant(BuiltInRole.ACR_PULL, principal, used_by=used_by)

    @checked_call(nothing=made_nothing)
    def grant_push(
        self, principal: Principal, *, used_by: Construct | None = None,
    ) -> role_assignment.RoleAssignment | None:
        """AcrPush: push and pull images (what a build pipeline needs)."""
        return self.grant(BuiltInRole.ACR_PUSH, principal, used_by=used_by)

    def image(self, repository: str, tag: str) -> str:
        """`<login server>/<repository>:<tag>`, or `<login server>/<repository>@<tag>` for a tag
        that is a digest (`sha256:<hex>`); check the parts with `check_image`."""
        separator = "@" if isinstance(tag, str) and _DIGEST.fullmatch(tag) else ":"
        return f"{self.login_server}/{repository}{separator}{tag}"


def check_image(check: Validator, repository: str, tag: str, registry_name: str | None = None) -> None:
    """Docker's rules for a repository name and a tag; the registry is the app's `registry`, so
    a repository that starts with a registry host (a port, `localhost` or a known registry) is a
    mistake. Any other first part with '.' is a folder of the registry as far as Azure can tell
    (OCI's path components take '.'): it passes, with a warning in case it is a host."""
    host = repository.split("/", 1)[0] if isinstance(repository, str) and "/" in repository else ""
    if host and not is_token(repository) and _is_registry_host(host):
        check.fail(
            "repository", repository, f"starts with the registry host {host!r}",
            "the repository path inside the registry, e.g. 'team/service-api' (the registry is the app's "
            "`registry`, its login server added for you)",
            _written_as(*_without_tag(repository.split("/", 1)[1])),
        )
        return
    if host and not is_token(repository) and _HOST_LIKE.fullmatch(host):
        check.warn(
            "repository", repository, f"starts with {host!r}, which reads like a registry host; the image is "
            f"pulled as <the registry's login server>/{repository}",
            "the repository path inside the registry (a folder with '.' in it is fine)",
            f"if {host!r} is another registry, write repository={repository.split('/', 1)[1]!r} and push the image "
            "to the app's registry; if it is a folder of the registry, nothing",
        )
    if isinstance(repository, str) and "@" in repository and not is_token(repository):
        check.fail(
            "repository", repository, "ends with a digest",
            "the repository path alone; an image pinned by digest gives the digest as its tag",
            _written_as(*_without_tag(repository)),
        )
        return
    if isinstance(repository, str) and ":" in repository.rsplit("/", 1)[-1] and not is_token(repository):
        check.fail(
            "repository", repository, "ends with a tag", "the repository path alone; the tag is image_tag",
            _written_as(*_without_tag(repository)),
        )
        return
    # The repository as written, lowercased and without empty folders: the fix, when that is one.
    tidy = _tidy(repository) if isinstance(repository, str) else ""
    check.require(
        is_token(repository) or _REPOSITORY.fullmatch(repository) is not None, "repository",
        repository, "is not a valid repository name",
        "lowercase letters, digits and separators '.', '_', '-', '/'",
        f"write repository={tidy!r}" if _REPOSITORY.fullmatch(tidy)
        else "use a lowercase repository name such as 'team/service-api'",
    )
    if isinstance(registry_name, str) and not is_token(registry_name) and not is_token(repository):
        # distribution/reference (what pulls parse images with): NameTotalLengthMax = 255 for
        # `<registry host>/<repository>`; the host is `<name>.azurecr.io` (.cn, .us: as long).
        longest = MAX_IMAGE_NAME - len(f"{registry_name}.azurecr.io/")
        check.require(
            len(repository) <= longest, "repository", repository,
            f"has {len(repository)} characters, which makes the image name "
            f"{len(repository) - longest + MAX_IMAGE_NAME} characters long with the registry's login server",
            f"image names of at most {MAX_IMAGE_NAME} characters (<login server>/<repository>), so a repository of "
            f"at most {longest} in registry {registry_name!r}",
            f"shorten the repository to {longest} characters or fewer",
        )
    # A digest copied with what goes before it in an image reference ('@sha256:...', or 'api:1.0@sha256:...',
    # whose digest is what Docker pulls), in capitals or with spaces around it: the digest it means is told
    # (cut at the last ':', the hex alone would be read as a tag).
    before, at, digest = tag.strip().rpartition("@") if isinstance(tag, str) and not is_token(tag) else ("", "", "")
    meant = digest.lower()
    if (meant.startswith(("sha256:", "sha512:")) and digest != tag) or (meant != tag and _DIGEST.fullmatch(meant)):
        check.fail(
            "image tag", tag, f"has {before + at!r} before its digest" if at else "is not a valid digest",
            "'sha256:' and 64 lowercase hex digits, or 'sha512:' and 128 (OCI's digest rules)"
            + (", nothing before or after (the app writes the '@')" if at else ", nothing before or after"
               if digest != tag else ""),
            f"write image_tag={meant!r}" if _DIGEST.fullmatch(meant)
            else "copy the digest as the registry shows it (lowercase hex, nothing before or after)",
        )
        return
    if isinstance(tag, str) and tag.lower().startswith(("sha256:", "sha512:")):
        check.require(
            _DIGEST.fullmatch(tag) is not None, "image tag", tag, "is not a valid digest",
            "'sha256:' and 64 lowercase hex digits, or 'sha512:' and 128 (OCI's digest rules)",
            "copy the digest as the registry shows it (lowercase hex, nothing before or after)",
        )
        return
    valid = is_token(tag) or _TAG.fullmatch(tag) is not None
    stripped = "" if valid else tag.strip()  # ' 1.0' or '1.0\n' as copied: the tag without them is told
    # 'orders/api:1.0' as an image is written: the tag is the part after the last ':'.
    after = "" if valid or ":" not in stripped else stripped.rsplit(":", 1)[1]
    check.require(
        valid, "image tag", tag,
        "is not a valid image tag",
        "1-128 letters, digits, '_', '.', '-', not starting with '.' or '-'",
        f"write it without spaces: image_tag={stripped!r}" if _TAG.fullmatch(stripped)
        else f"write the tag alone: image_tag={after!r} (what comes before ':' is the repository)"
        if _TAG.fullmatch(after) else "use a tag such as 'staging' or '1.4.2'",
    )


@dataclass(frozen=True)
class ContainerRegistryProps:
    name: str
    """Registry name: 5-50 letters and digits, unique across Azure (`<name>.azurecr.io`)."""
    resource_group: IResourceGroup
    """Group the registry lives in; its location is used."""
    sku: str = "Premium"
    """`Basic`, `Standard` or `Premium`. Default: `Premium`, the one SKU with private
    endpoints and public access off; a Basic or Standard registry must opt in to public
    access explicitly with `public_network_access_enabled=True`."""
    public_network_access_enabled: bool = False
    """Reachable from public networks. Default: off (needs `Premium`)."""
    managed_identities: ManagedIdentities | None = None
    """Identities the registry itself uses (e.g. for customer-managed keys). Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class ContainerRegistry(ContainerRegistryBase):
    """An `azurerm_container_registry` with the admin user always disabled."""

    facts = (
        ResourceFacts(
            "azurerm_container_registry",
            ("name", "location", "resource_group_name", "zone_redundancy_enabled"),
            holds="container images", kind="container registry", name_scope=GLOBAL, public_by_default=True,
            billing=lambda config, usage: [(f"container-registry.{config['sku']}", 1, "")],
        ),
    )
    SKUS = ("Basic", "Standard", "Premium")

    def __init__(self, scope: Construct, id: str, props: ContainerRegistryProps) -> None:
        super().__init__(scope, id)
        # Sources: azurerm 4.55 `container_registry.html.markdown` (sku Basic/Standard/Premium);
        # Microsoft Learn, "Configure public registry access" and "Connect privately to a registry"
        # (public access off and private endpoints need Premium).
        check = Validator("ContainerRegistry", self)
        props = check.props(props, ContainerRegistryProps)
        check.name("name", props.name, NameRules.CONTAINER_REGISTRY)
        check.one_of("sku", props.sku, self.SKUS, fix_for_meant=lambda sku: _private_sku_fix(sku, props))
        check.require(
            # (a SKU that is not one is said once, above)
            props.public_network_access_enabled or props.sku == "Premium" or props.sku not in self.SKUS,
            "public_network_access_enabled", False, f"is not available on the {props.sku} SKU",
            "public_network_access_enabled=False only with sku='Premium'",
            "use sku='Premium', or opt in to public access with public_network_access_enabled=True",
        )
        identity = self.identity_block(container_registry.ContainerRegistryIdentity, props.managed_identities, check)
        check.done()

        self.resource = container_registry.ContainerRegistry(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            sku=props.sku,
            admin_enabled=False,
            public_network_access_enabled=props.public_network_access_enabled,
            identity=identity,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)

    def _private_endpoint_problem(self) -> tuple[str, object, str, str, str] | None:
        if self.props.sku == "Premium":
            return None
        return (
            "sku", self.props.sku, "cannot have a private endpoint", "private endpoints on sku 'Premium'",
            "use sku='Premium'",
        )


def _private_sku_fix(sku: str, props: ContainerRegistryProps) -> str | None:
    """The fix for a SKU written in the wrong case ('basic') whose right spelling would fail on the
    registry's public access (off by default, which only Premium has); None when it would pass."""
    if sku == "Premium" or props.public_network_access_enabled:
        return None
    return (
        f"write sku={sku!r} with public_network_access_enabled=True (Basic and Standard registries are public), "
        "or sku='Premium' to keep it private"
    )


class ExistingContainerRegistry(ContainerRegistryBase, ExistingResource):
    """A registry this stack does not manage, read with a data source."""

    data_source = data_azurerm_container_registry.DataAzurermContainerRegistry
    name_rule = NameRules.CONTAINER_REGISTRY
    construct_kind = "ContainerRegistry"


ContainerRegistry.existing = ExistingContainerRegistry


def _is_registry_host(host: str) -> bool:
    """A first part of an image name that names a registry: with a port, `localhost` (in any
    case: a host name's), or a registry users copy images from (Azure's own, Docker Hub,
    Microsoft's, GitHub's, ...)."""
    return ":" in host or host.lower() == "localhost" or _REGISTRY_HOST.fullmatch(host) is not None


def _without_tag(reference: str) -> tuple[str, str]:
    """An image reference's repository and its tag or digest ('' for none), as Docker reads
    `name[:tag][@digest]`: a digest wins over a tag written before it."""
    name, _, digest = reference.partition("@")
    if ":" in name.rsplit("/", 1)[-1]:
        name, _, tag = name.rpartition(":")
        return name, digest or tag
    return name, digest


def _tidy(repository: str) -> str:
    """A repository as written, lowercased, without spaces around it and without empty folders."""
    return re.sub("/+", "/", repository.strip().strip("/").lower())


def _written_as(repository: str, tag: str) -> str:
    """The fix that writes a reference's parts where they go: the tag (if any) as image_tag, and
    the repository tidied when that makes it one (`Team/API:1.0` is repository 'team/api')."""
    if _REPOSITORY.fullmatch(_tidy(repository)):
        repository = _tidy(repository)
    return f"write repository={repository!r}, image_tag={tag!r}" if tag else f"write repository={repository!r}"


_REGISTRY_HOST = re.compile(
    r"[a-z0-9-]+\.azurecr\.(?:io|cn|us)|mcr\.microsoft\.com|(?:index\.|registry-1\.)?docker\.io|ghcr\.io"
    r"|(?:[a-z0-9-]+\.)?gcr\.io|quay\.io|public\.ecr\.aws|[a-z0-9.-]+\.amazonaws\.com|[a-z0-9.-]+\.pkg\.dev"
    r"|registry\.k8s\.io|nvcr\.io|registry\.gitlab\.com",
    re.IGNORECASE,
)
_HOST_LIKE = re.compile(r".+\.[a-z]{2,}", re.IGNORECASE)
"""A first part that ends like a domain name (`registry.contoso.com`, also `my.team`)."""
MAX_IMAGE_NAME = 255
_REPOSITORY = re.compile(
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
# OCI image-spec, descriptor.md "Registered algorithms": sha256 as /[a-f0-9]{64}/, sha512 as
# /[a-f0-9]{128}/, lowercase only. Container Apps pull `<registry>/<repository>@<digest>`
# (microsoft/azure-container-apps#1695, #803); azurerm takes any non-empty image.
_DIGEST = re.compile(r"sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}")
