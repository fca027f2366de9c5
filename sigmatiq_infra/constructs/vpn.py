"""Point-to-site VPN gateway: OpenVPN with certificate authentication."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from constructs import Construct

from sigmatiq_infra import regions
from sigmatiq_infra._cdktf import ITerraformDependable
from sigmatiq_infra.azurerm import public_ip, virtual_network_gateway
from sigmatiq_infra.constructs._arguments import checked_function
from sigmatiq_infra.constructs._context import context_of, wait_for
from sigmatiq_infra.constructs._resource import (
    RESOURCE_GROUP,
    AzureResource,
    DiagnosticTarget,
    IResourceGroup,
    ResourceFacts,
)
from sigmatiq_infra.constructs.inputs import VALUE, InputRule, deploy_input
from sigmatiq_infra.constructs.network import PRIVATE_RANGES, SubnetRole, VirtualNetwork
from sigmatiq_infra.tokens import readable
from sigmatiq_infra.validation import NameRules, Validator, is_token, lies_in, meant_choice

# Since 2025-01-01 Azure creates only zone-redundant (AZ) VPN gateway SKUs.
SKUS = ("VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ")
RETIRED_SKUS = ("VpnGw1", "VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5")
# azurerm 4.55 (`virtual_network_gateway_resource.go`, validateVirtualNetworkGatewayRouteBasedVpnSku
# Generation1/2): the zone-redundant SKUs each generation takes.
GENERATION1_SKUS = ("VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ")
GENERATION2_SKUS = ("VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ")
GENERATIONS = ("Generation1", "Generation2")
GENERATION_SKUS = {"Generation1": GENERATION1_SKUS, "Generation2": GENERATION2_SKUS}
SMALLEST_CLIENT_POOL = 29
"""Longest prefix of a P2S client address pool on an active-standby gateway (Microsoft Learn)."""


_BASE64_LINE = f'can(regex("^[A-Za-z0-9+/=]+$", {VALUE}))'
ROOT_CERTIFICATE_RULES = (
    InputRule(
        f'!strcontains({VALUE}, "-----")', "has PEM header lines (-----BEGIN/END CERTIFICATE-----)",
        "the certificate's base64 body alone, without the header lines",
    ),
    InputRule(
        _BASE64_LINE, "is not one line of base64 (it holds line breaks, spaces or other characters)",
        "one line of the base64 alphabet A-Z, a-z, 0-9, +, / and = padding",
    ),
    # The next two judge only a value that is one line of base64 (the rule above reports the rest).
    InputRule(
        f'!{_BASE64_LINE} || (length({VALUE}) % 4 == 0 && can(regex("^[^=]*={{0,2}}$", {VALUE})))',
        "is not complete base64 (its length is not a multiple of 4, or = appears before the end)",
        "the whole base64 text, as `sigmatiq-infra vpn-cert root` writes it",
    ),
    InputRule(
        f'!{_BASE64_LINE} || (startswith({VALUE}, "MII") && length({VALUE}) >= 344)',
        "does not decode to a DER X.509 certificate (which starts with MII and is at least 344 characters long)",
        "a DER certificate in base64: an X.509 certificate of 256 bytes to 16 KB begins with MII",
    ),
)
"""Terraform's checks of a root certificate given at deploy time (`base64decode` cannot be
used: it fails on the binary bytes of every real certificate)."""


@dataclass(frozen=True)
class RootCertificate:
    name: str
    """Name shown in Azure, e.g. `P2SRoot`."""
    public_cert_data: str
    """Base64 DER without header lines (see `sigmatiq_infra.certificates`), or a Terraform
    expression (e.g. a variable) supplied at deploy time."""

    @staticmethod
    @checked_function
    def from_input(scope: Construct, input_name: str, name: str, note: str = "") -> RootCertificate:
        """A root certificate given at deploy time as the input `input_name`
        (`TF_VAR_<input_name>`), checked by Terraform (`ROOT_CERTIFICATE_RULES`)."""
        variable = deploy_input(
            scope, input_name, what=f"the P2S root certificate {name}", type="string",
            rules=ROOT_CERTIFICATE_RULES, note="Base64 DER on one line, without header lines. " + note,
            how="`sigmatiq-infra vpn-cert root` writes one; export TF_VAR_" + input_name + '="$(cat <file>)"',
        )
        return RootCertificate(name, variable.string_value)


@dataclass(frozen=True)
class VpnGatewayProps:
    name: str
    """Gateway name."""
    resource_group: IResourceGroup
    """Group the gateway and its public IP live in."""
    virtual_network: VirtualNetwork
    """VNet with a `GatewaySubnet` (role GATEWAY)."""
    client_address_pool: str
    """Addresses handed to VPN clients, e.g. `172.16.0.0/24`: a private range of /29 or larger
    (one address per connected client) that does not overlap the VNet."""
    root_certificates: Sequence[RootCertificate]
    """Trusted client-certificate roots (1-20)."""
    sku: str = "VpnGw1AZ"
    """A zone-redundant SKU, `VpnGw1AZ`-`VpnGw5AZ`. Default: `VpnGw1AZ`."""
    generation: str = "Generation1"
    """`Generation1` (VpnGw1AZ-VpnGw3AZ) or `Generation2` (VpnGw2AZ-VpnGw5AZ); fixed at creation.
    Default: `Generation1`."""
    depends_on: Sequence[ITerraformDependable] = ()
    """Terraform resources to finish first, e.g. the VNet's DNS servers, so that VPN client profiles
    downloaded after deployment carry them; one of another stack makes this stack wait for that one."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class VpnGateway(AzureResource):
    """A route-based `azurerm_virtual_network_gateway` for point-to-site OpenVPN with
    certificate authentication, on a Standard, static, zone-redundant public IP."""

    arm_type = "Microsoft.Network/virtualNetworkGateways"
    kind_text = "VPN gateway"
    facts = (
        ResourceFacts(
            "azurerm_virtual_network_gateway",
            ("name", "location", "resource_group_name", "type", "vpn_type", "generation", "ip_configuration"),
            kind="VPN gateway",
            name_scope=RESOURCE_GROUP,
            billing=lambda config, usage: [(f"vpn-gateway.{config['sku']}", 1, "")],
        ),
        ResourceFacts(
            "azurerm_public_ip", ("name", "location", "resource_group_name", "sku", "allocation_method", "zones"),
            kind="public IP address",
            name_scope=RESOURCE_GROUP,
            billing=lambda config, usage: [("public-ip.standard-static", 1, "")],
        ),
    )
    diagnostics = (DiagnosticTarget(),)
    alert_metrics = {"P2SConnectionCount": "Total", "P2SBandwidth": "Average", "AverageBandwidth": "Average"}  # noqa: RUF012

    def __init__(self, scope: Construct, id: str, props: VpnGatewayProps) -> None:
        super().__init__(scope, id)
        props = self._validate(props)
        vnet = props.virtual_network
        gateway_subnet = vnet.subnet_for(SubnetRole.GATEWAY)
        self.keep_props(props)
        if gateway_subnet is None:
            return  # reported by subnet_for; there is nothing to attach the gateway to

        group = props.resource_group
        self.public_ip = public_ip.PublicIp(
            self, "PublicIp",
            name=f"pip-{props.name}",
            resource_group_name=group.name,
            location=vnet.location,
            sku="Standard",
            allocation_method="Static",
            # Zone-redundant where the region has zones; Azure refuses zones anywhere else.
            zones=None if regions.has_zones(vnet.location) is False else ["1", "2", "3"],
            tags=self.resource_tags(props.tags),
        )
        self.resource = virtual_network_gateway.VirtualNetworkGateway(
            self, "Resource",
            name=props.name,
            resource_group_name=group.name,
            location=vnet.location,
            type="Vpn",
            vpn_type="RouteBased",
            sku=props.sku,
            generation=props.generation,
            active_active=False,
            # BGP stays off by leaving it unset (Azure's default): azurerm 4.81 renames
            # `enable_bgp` to `bgp_enabled` (and 5.0 removes the old name), so the one spelling
            # both engines' bindings accept is none.
            ip_configuration=[
                virtual_network_gateway.VirtualNetworkGatewayIpConfiguration(
                    name="vnetGatewayConfig",
                    subnet_id=gateway_subnet.id,
                    public_ip_address_id=self.public_ip.id,
                    private_ip_address_allocation="Dynamic",
                ),
            ],
            vpn_client_configuration=virtual_network_gateway.VirtualNetworkGatewayVpnClientConfiguration(
                address_space=[props.client_address_pool],
                vpn_client_protocols=["OpenVPN"],
                vpn_auth_types=["Certificate"],
                root_certificate=[
                    virtual_network_gateway.VirtualNetworkGatewayVpnClientConfigurationRootCertificate(
                        name=cert.name, public_cert_data=cert.public_cert_data,
                    )
                    for cert in props.root_certificates
                ],
            ),
            depends_on=self._depends_on(props.depends_on) or None,
            tags=self.resource_tags(props.tags),
        )

    def _depends_on(self, dependencies: Sequence[ITerraformDependable]) -> list[ITerraformDependable]:
        """The resources of `dependencies` in this stack (the rest is reported by `_validate`). A
        resource of another stack makes this stack wait for that one: depends_on may name only this
        stack's resources (for another's, cdktf writes a remote-state output, which Terraform refuses:
        "References in depends_on must be to a whole object")."""
        here = context_of(self).stack
        own: list[ITerraformDependable] = []
        for dependency in dependencies:
            if not hasattr(dependency, "fqn"):
                continue
            if context_of(dependency).stack is here:
                own.append(dependency)
            else:
                wait_for(self, dependency)
        return own

    def _validate(self, props: VpnGatewayProps) -> VpnGatewayProps:
        check = Validator("VpnGateway", self)
        props = check.props(props, VpnGatewayProps)
        check.name("name", props.name, NameRules.NETWORK_RESOURCE)
        # publicIPAddresses: 1-80 characters (Microsoft Learn, naming rules for Microsoft.Network).
        check.derived_name("name", props.name, f"pip-{props.name}", "public IP address", 80)
        if props.sku in RETIRED_SKUS:
            check.fail(
                "sku", props.sku, "can no longer be created (non-zonal SKUs retired 2025-01-01)",
                ", ".join(repr(s) for s in SKUS),
                _sku_fix(props.sku + "AZ", props.generation) or f"use {props.sku + 'AZ'!r}",
            )
        else:
            check.one_of("sku", props.sku, SKUS, fix_for_meant=lambda sku: _sku_fix(sku, props.generation))
        check.one_of(
            "generation", props.generation, GENERATIONS,
            fix_for_meant=lambda generation: _generation_fix(generation, props.sku),
        )
        takes = GENERATION_SKUS.get(props.generation)
        check.require(
            takes is None or props.sku not in SKUS or props.sku in takes,
            "generation", props.generation, f"is not available for {props.sku}",
            f"{props.generation} with {', '.join(takes or ())}",
            "use generation='Generation2'" if props.sku in GENERATION2_SKUS else "use generation='Generation1'",
        )
        # "Each virtual network can have only one virtual network gateway per gateway type" (Microsoft
        # Learn, "About VPN Gateway configuration settings", Gateway types).
        other = props.virtual_network.claim_once("VPN gateway", self)
        if other is not None:
            check.fail(
                "virtual_network", props.virtual_network, f"already has the VPN gateway '{other.node.path}'",
                "one VPN gateway per virtual network (Azure: one virtual network gateway per gateway type)",
                f"give '{other.node.path}' what this one adds (root certificates take up to 20), or put this "
                "gateway on another VNet",
            )
        pool = check.cidr("client_address_pool", props.client_address_pool) or lies_in(props.client_address_pool)
        vnet_space = props.virtual_network.address_space
        if pool is not None and vnet_space is not None and pool.overlaps(vnet_space):
            check.fail(
                "client_address_pool", props.client_address_pool,
                f"overlaps the VNet address space {vnet_space}",
                "a range outside the VNet (and outside any network the clients are on)",
                f"use a separate range such as {_free_pool(vnet_space)!r}",
            )
        # "The client address pool is a range of private IP addresses that you specify" (Microsoft
        # Learn, "Configure server settings for P2S VPN Gateway certificate authentication"): one of
        # RFC 1918's (Python's `is_private` also takes loopback, link-local and broadcast ranges).
        if pool is not None and not _private(pool):
            check.fail(
                "client_address_pool", props.client_address_pool, "is not a private range",
                "RFC 1918 ranges: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16",
                f"use a private range such as {_free_pool(vnet_space)!r}",
            )
        # "The minimum subnet mask is 29 bit for active/passive and 28 bit for active/active
        # configuration" (Microsoft Learn, "Configure server settings for P2S VPN Gateway certificate
        # authentication", Address pool); this gateway is active-standby. A range that is not private
        # is told a private /24 above.
        elif pool is not None and pool.prefixlen > SMALLEST_CLIENT_POOL:
            check.fail(
                "client_address_pool", props.client_address_pool, "is too small for a client address pool",
                f"a range of /{SMALLEST_CLIENT_POOL} or larger (Azure's smallest for an active-standby gateway); "
                "each connected client takes one address",
                f"give it a prefix of /{SMALLEST_CLIENT_POOL} or shorter, e.g. {_wider_pool(pool, vnet_space)!r}",
            )
        check.known(
            "depends_on", props.depends_on, "Terraform's depends_on names resources in the configuration",
            "Terraform resources, e.g. [resolver.vnet_dns_servers]",
        )
        for index, dependency in enumerate(() if is_token(props.depends_on) else props.depends_on):
            # A Terraform element has an fqn; anything else jsii drops (a construct: `depends_on: []`,
            # no dependency at all) or cannot send (a name).
            resource = getattr(dependency, "resource", None)
            fix = (f"pass its Terraform resource: depends_on=[<the {type(dependency).__name__}>.resource]"
                   if hasattr(resource, "fqn") else "pass the resource itself (e.g. resolver.vnet_dns_servers)")
            if hasattr(getattr(dependency, "vnet_dns_servers", None), "fqn"):
                # A resolver's own resource is done before the VNet takes its address as DNS server,
                # which is what the profiles must carry.
                fix = "pass the VNet's DNS servers it sets: depends_on=[resolver.vnet_dns_servers]"
            check.require(
                hasattr(dependency, "fqn"), f"depends_on[{index}]", dependency, "is not a Terraform resource",
                "Terraform resources to finish first, e.g. a DnsResolver's vnet_dns_servers", fix,
            )
        check.in_range("root_certificates (count)", len(props.root_certificates), 1, 20)
        _check_root_names_once(check, props.root_certificates)
        for cert in props.root_certificates:
            data = cert.public_cert_data
            if is_token(data):
                continue
            where, shown = f"root certificate '{readable(cert.name)}'", data[:40] + ("..." if len(data) > 40 else "")
            if _is_file_path(data):
                check.fail(
                    where, shown, "is the path of a certificate file, not the certificate",
                    "the certificate itself: its base64 DER body on one line, as read from the file",
                    f"read the file: RootCertificate({cert.name!r}, read_public_cert_data({data!r})), "
                    "read_public_cert_data from sigmatiq_infra.certificates",
                )
                continue
            shaped = "-----" not in data and "\n" not in data and _is_base64(data)
            check.require(
                shaped, where, shown, "is not base64 DER on one line",
                "the certificate's base64 body without -----BEGIN/END----- lines or newlines",
                f"convert it: RootCertificate({cert.name!r}, public_cert_data(<the certificate text>, "
                f"where={cert.name!r})), "
                "public_cert_data from sigmatiq_infra.certificates (it reads PEM, DER and base64 DER)",
            )
            if shaped:  # then a real CA certificate, valid now (as a file read through certificates is)
                from sigmatiq_infra.certificates import check_root_certificate

                # Its "expires soon" warning is the reader's (settings, certificates.public_cert_data),
                # said once where the certificate is read.
                found = check_root_certificate(data, where=f"{check.path}/{readable(cert.name)}")[1]
                check.include(found, warnings=False)
        check.done()
        return props


def _sku_fix(sku: str, generation: object) -> str | None:
    """The fix for a SKU written in the wrong case ('vpngw4az'), or retired, whose right spelling would
    fail on the gateway's generation (Generation1 by default, which takes VpnGw1AZ-VpnGw3AZ): the SKU
    with the generation that takes it. A generation that is none is read as the one it means. None when
    it would pass."""
    written = generation if generation in GENERATIONS else meant_choice(generation, GENERATIONS)
    takes = GENERATION_SKUS.get(written or "")
    if takes is None or sku in takes:
        return None
    needed = next(name for name, skus in GENERATION_SKUS.items() if sku in skus)
    return f"write sku={sku!r} with generation={needed!r} ({written} takes {', '.join(takes)})"


def _generation_fix(generation: str, sku: object) -> str | None:
    """The fix for a generation written in the wrong case ('generation2') whose right spelling would
    fail on the gateway's SKU (VpnGw1AZ by default, which Generation2 does not take): the generation
    with the nearest SKU it takes, or the other generation, which keeps the SKU. None when it would
    pass (or the SKU is none: its own problem says so)."""
    takes = GENERATION_SKUS[generation]
    if sku not in SKUS or sku in takes:
        return None
    nearest = min(takes, key=lambda taken: abs(SKUS.index(taken) - SKUS.index(sku)))
    other = next(name for name, skus in GENERATION_SKUS.items() if sku in skus)
    return (
        f"write generation={generation!r} with sku={nearest!r} ({generation} takes {', '.join(takes)}), "
        f"or generation={other!r} to keep sku {sku!r}"
    )


def _check_root_names_once(check: Validator, certificates: Sequence[RootCertificate]) -> None:
    """Each root certificate under a name of its own, in any case: each is a child resource of the
    gateway, `<gateway id>/vpnClientRootCertificates/<name>` (Azure's network API), and the network
    resource provider refuses two child resources of one name ("DuplicateResourceName: Resource ...
    has two child resources with the same name"), comparing names in any case as ARM does. azurerm
    keeps both in its set (it hashes the name and the data), so `plan` passes."""
    first: dict[str, str] = {}
    for cert in certificates:
        if not isinstance(cert.name, str) or is_token(cert.name):
            continue  # a name known at deploy time: Azure's to compare
        same = first.get(cert.name.lower())
        if same is None:
            first[cert.name.lower()] = cert.name
        else:
            again = "is listed twice" if same == cert.name else f"is the name {same!r} again, in another case"
            check.fail(
                "root certificate name", cert.name, again,
                "one root certificate per name (Azure names each the gateway's child resource "
                "vpnClientRootCertificates/<name>, compared in any case)",
                "give each root certificate its own name, e.g. 'P2SRoot2026' beside 'P2SRoot' while clients move "
                "to the new root, or remove the repeat",
            )


# A /24 of each RFC 1918 range, the first that the VNet leaves free is the one to suggest.
_POOLS = tuple(map(ipaddress.IPv4Network, ("172.16.0.0/24", "192.168.255.0/24", "10.255.255.0/24")))


def _free_pool(vnet_space: ipaddress.IPv4Network | None) -> str:
    """A client address pool to suggest: private, and outside `vnet_space`."""
    return str(next((pool for pool in _POOLS if vnet_space is None or not pool.overlaps(vnet_space)), _POOLS[0]))


def _wider_pool(pool: ipaddress.IPv4Network, vnet_space: ipaddress.IPv4Network | None) -> str:
    """The /24 holding `pool` to suggest for a pool too small, when it is private and outside
    `vnet_space`; else a free one."""
    wider = pool.supernet(new_prefix=24)
    if _private(wider) and (vnet_space is None or not wider.overlaps(vnet_space)):
        return str(wider)
    return _free_pool(vnet_space)


def _private(network: ipaddress.IPv4Network) -> bool:
    """Within one of RFC 1918's ranges (`PRIVATE_RANGES`)."""
    return any(network.subnet_of(range_) for range_ in PRIVATE_RANGES)


# The endings certificate files are given (.cer, .crt, .pem, .der, and .cert).
_CERTIFICATE_FILE = re.compile(r"\.(cer|crt|pem|der|cert)$", re.IGNORECASE)


def _is_file_path(data: str) -> bool:
    """Whether `data` is the path of a certificate file given where its content belongs: one line,
    no PEM header, and a certificate file's name, or a folder in it (the base64 DER of a certificate,
    a SEQUENCE, always begins with MI, so no certificate is read as a path)."""
    if not data or data != data.strip() or any(c.isspace() for c in data) or "-----" in data:
        return False
    return not data.startswith("MI") and (
        bool(_CERTIFICATE_FILE.search(data)) or "/" in data or "\\" in data
    )


def _is_base64(data: str) -> bool:
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(data)
