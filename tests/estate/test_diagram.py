"""`sigmatiq-infra diagram`: resource groups, the edges a reader asks about, Mermaid text, and
the Azure-icon picture when `diagrams` and Graphviz are installed (Mermaid alone otherwise)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sigmatiq_infra.cli import diagram, main
from sigmatiq_infra.cli.diagram import OTHER, Edge, build, mermaid, node_id, view
from sigmatiq_infra.cli.stacks import load_stack

SHARED = "rg-trading-shared (other stack)"


@pytest.fixture(scope="module")
def out(synthesized, synthesized_dir: Path) -> Path:
    """The session's synth output (`stacks/<name>/cdk.tf.json` for state, shared, beta, prod)."""
    return synthesized_dir


def model(out: Path, name: str) -> diagram.Diagram:
    return build(load_stack(name, out))


def only(out: Path, name: str, tf_type: str, data: bool = False) -> str:
    """The address of the one resource (or data source) of `tf_type` in the stack."""
    found = [a for a, r in load_stack(name, out).resources.items() if r.tf_type == tf_type and r.data == data]
    assert len(found) == 1, (tf_type, found)
    return found[0]


def named(out: Path, name: str, tf_type: str, azure_name: str) -> str:
    found = [a for a, r in load_stack(name, out).resources.items() if r.tf_type == tf_type and r.name == azure_name]
    assert len(found) == 1, (tf_type, azure_name, found)
    return found[0]


# --- resource groups -------------------------------------------------------------------------

PLACED_THROUGH_A_REFERENCE = {
    # type -> the group (apps or data) of the resource it belongs to, found through `server_id`,
    # `key_vault_id`, `scope`, `subnet_id`, `private_dns_resolver_id`, `virtual_network_id`, ...
    "azurerm_key_vault_secret": "apps",
    "azurerm_postgresql_flexible_server_configuration": "data",
    "azurerm_postgresql_flexible_server_database": "data",
    "azurerm_postgresql_flexible_server_firewall_rule": "data",
    "azurerm_management_lock": "data",
    "azurerm_subnet_network_security_group_association": "apps",
    "azurerm_private_dns_resolver_inbound_endpoint": "apps",
    "azurerm_private_dns_resolver_outbound_endpoint": "apps",
    "azurerm_virtual_network_dns_servers": "apps",
    # azurerm 5 names a private DNS link's and record's zone by id alone (no resource_group_name).
    "azurerm_private_dns_zone_virtual_network_link": "apps",
    "azurerm_private_dns_a_record": "apps",
}


@pytest.mark.parametrize("env", ["beta", "prod"])
def test_every_resource_of_beta_and_prod_is_in_its_real_resource_group(out, env):
    stack = load_stack(env, out)
    result = build(stack)
    apps, data = f"rg-trading-{env}-apps", f"rg-trading-{env}-data"
    assert list(result.groups) == [apps, data, SHARED]  # so nothing in OTHER
    budget = only(out, env, "azurerm_consumption_budget_subscription")
    assert sorted(r.address for r in result.loose) == [budget, "data.azurerm_client_config.ClientConfig"]
    placed = {r.address: group for group, members in result.groups.items() for r in members}
    assert set(placed) | {"data.azurerm_client_config.ClientConfig", budget} == set(stack.resources)
    for address, group in placed.items():
        resource = stack.resources[address]
        literal = resource.config.get("resource_group_name")
        if resource.data:
            expected = SHARED  # the shared registry and vault, and their existence checks
        elif resource.tf_type == "azurerm_resource_group":
            expected = resource.name
        elif isinstance(literal, str):
            expected = literal
        elif resource.tf_type == "azurerm_monitor_diagnostic_setting":
            # With the resource it collects from (a blob service or database: with its account or cluster).
            target = resource.config["target_resource_id"].split(".")[:2]
            expected = placed[".".join(target).removeprefix("${")]
        elif resource.tf_type == "azurerm_role_assignment":
            # A role assignment lives on its scope: the shared registry and vault, or this stack's.
            expected = SHARED if resource.logical_id.startswith("Shared") else apps
        else:
            expected = {"apps": apps, "data": data}[PLACED_THROUGH_A_REFERENCE[resource.tf_type]]
        assert group == expected, address


def test_the_beta_stack_has_twenty_resources_placed_only_through_a_reference(out):
    stack = load_stack("beta", out)
    without = [
        r for r in stack.resources.values()
        if r.tf_type != "azurerm_resource_group" and not isinstance(r.config.get("resource_group_name"), str)
    ]
    # 21 children and attachments, 6 diagnostic settings, and the budget (over the subscription).
    assert len(without) == 28
    assert OTHER not in build(stack).groups


def test_the_state_stack_draws_the_deployer_holding_blob_access_on_the_state_storage(out):
    result = model(out, "state")
    group = only(out, "state", "azurerm_resource_group")
    role = only(out, "state", "azurerm_role_assignment")
    account = only(out, "state", "azurerm_storage_account")
    container = only(out, "state", "azurerm_storage_container")
    workspace = only(out, "state", "azurerm_log_analytics_workspace")
    resources = load_stack("state", out).resources
    settings = sorted(a for a, r in resources.items() if r.tf_type == "azurerm_monitor_diagnostic_setting")
    deployer = "data.azurerm_client_config.ClientConfig"
    assert {g: sorted(r.address for r in members) for g, members in result.groups.items()} == {
        "rg-trading-tfstate": sorted([group, role, account, container, workspace, *settings]),
    }
    assert [e for e in result.edges if e.label != "logs to"] == [
        Edge(deployer, role, "holds"), Edge(role, account, "Storage Blob Data Contributor"),
    ]
    assert sorted(e.source for e in result.edges if e.label == "logs to" and e.target == workspace) == settings
    assert result.owner[container] == account
    # The account's two settings (account metrics, blob-service logs) belong to the account.
    assert sorted(result.owner[setting] for setting in settings) == [workspace, account, account]
    assert result.titles[deployer] == "Deployer"


# --- edges -----------------------------------------------------------------------------------

def test_each_beta_app_runs_in_its_environment_as_its_identity_and_uses_registry_vaults_cache_store_and_database(out):
    result = model(out, "beta")
    stack = load_stack("beta", out)
    apps = [a for a, r in stack.resources.items() if r.tf_type == "azurerm_container_app"]
    postgres = only(out, "beta", "azurerm_postgresql_flexible_server")
    expected = {
        ("runs in", only(out, "beta", "azurerm_container_app_environment")),
        ("runs as", only(out, "beta", "azurerm_user_assigned_identity")),
        ("pulls from", only(out, "beta", "azurerm_container_registry", data=True)),
        ("reads secrets", only(out, "beta", "azurerm_key_vault")),
        ("reads secrets", only(out, "beta", "azurerm_key_vault", data=True)),
        ("uses", only(out, "beta", "azurerm_redis_cache")),
        ("uses", only(out, "beta", "azurerm_app_configuration")),
        ("uses", postgres),  # through the PostgreSQL-ConnectionString secret
    }
    assert len(apps) == 5
    for app in apps:
        assert {(e.label, e.target) for e in result.edges if e.source == app} == expected, app
    secret = named(out, "beta", "azurerm_key_vault_secret", "PostgreSQL-ConnectionString")
    assert [e for e in result.edges if e.source == secret] == [Edge(secret, postgres, "stores URL of")]


def test_role_assignments_sit_between_the_identity_and_the_resource_they_grant_on(out):
    result = model(out, "beta")
    identity = only(out, "beta", "azurerm_user_assigned_identity")
    registry = only(out, "beta", "azurerm_container_registry", data=True)
    pull = [a for a in load_stack("beta", out).resources if a.startswith("azurerm_role_assignment.SharedRegistry_")]
    assert len(pull) == 1
    assert Edge(identity, pull[0], "holds") in result.edges
    assert Edge(pull[0], registry, "AcrPull") in result.edges
    officer = [e for e in result.edges if e.label == "Key Vault Secrets Officer"]
    assert [e.target for e in officer] == [only(out, "beta", "azurerm_key_vault")]
    assert Edge("data.azurerm_client_config.ClientConfig", officer[0].source, "holds") in result.edges


def test_each_prod_private_endpoint_links_to_its_service(out):
    result = model(out, "prod")
    links = {(result.titles[e.source], result.titles[e.target]) for e in result.edges if e.label == "private link"}
    assert links == {
        ("pe-appconfig-trading-prod", "appconfig-trading-prod"),
        ("pe-kv-trading-prod", "kv-trading-prod"),
        ("pe-psql-trading-prod", "psql-trading-prod"),
        ("pe-redis-trading-prod", "redis-trading-prod"),
    }


# --- what is drawn ---------------------------------------------------------------------------

def test_the_picture_folds_child_resources_into_their_parent_and_draws_the_apps_as_one_box(out):
    drawn = view(model(out, "prod"), fold=True)
    types_drawn = {node.tf_type for node in drawn.nodes.values()}
    assert not types_drawn & diagram.DETAIL_TYPES
    postgres = only(out, "prod", "azurerm_postgresql_flexible_server")
    assert drawn.nodes[postgres].notes == [  # prod opens no firewall
        "1 activity log alert", "3 metric alerts", "1 diagnostic setting", "1 PostgreSQL setting",
        "8 PostgreSQL databases",
    ]
    assert drawn.nodes[only(out, "prod", "azurerm_key_vault")].notes == [
        "3 Key Vault secrets", "1 activity log alert", "1 diagnostic setting", "1 metric alert",
    ]
    data_box = next(box for box in drawn.boxes if box.label == "rg-trading-prod-data")
    assert data_box.notes == ["1 activity log alert", "1 lock"]
    apps_box = next(box for outer in drawn.boxes for box in outer.boxes if box.label == "5 container apps")
    from_box = sorted(line.label for line in drawn.lines if line.tail_box == apps_box.id)
    assert from_box == ["pulls from", "reads secrets", "reads secrets", "runs as", "runs in", "uses", "uses", "uses"]


NODE = re.compile(r'^ +(n_[A-Za-z0-9_]+)(\["|\[/")[^"\[\]]*("\]|"/\])$')
ARROW = re.compile(r"^ +(n_[A-Za-z0-9_]+) (-->\|[^|\"]+\||-\.-) (n_[A-Za-z0-9_]+)$")
SUBGRAPH = re.compile(r'^ +subgraph (n_[A-Za-z0-9_]+)\["[^"]+"\]$')


@pytest.mark.parametrize("name", ["state", "shared", "beta", "prod"])
def test_the_mermaid_text_is_a_left_to_right_flowchart_with_one_subgraph_per_group_and_safe_ids(out, name):
    stack = load_stack(name, out)
    result = build(stack)
    lines = mermaid(stack, result).splitlines()
    assert lines[0] == "flowchart LR"
    assert lines[1] == f"  %% stack {name}, generated by sigmatiq-infra diagram"
    groups = [line for line in lines if line.startswith("  subgraph ")]
    assert groups == [f'  subgraph {node_id("group " + g)}["{g}"]' for g in result.groups]
    nodes, subgraphs, depth = [], [], 0
    for line in lines[2:]:
        if match := SUBGRAPH.match(line):
            subgraphs.append(match.group(1))
            depth += 1
        elif line.strip() == "end":
            depth -= 1
        elif match := NODE.match(line):
            nodes.append(match.group(1))
        elif match := ARROW.match(line):
            assert {match.group(1), match.group(3)} <= set(nodes) | set(subgraphs), line
        else:
            raise AssertionError(f"not a Mermaid subgraph, node or edge line: {line!r}")
        assert depth >= 0
    assert depth == 0
    assert len(nodes) == len(set(nodes)) == len(stack.resources)  # every resource once


def test_the_beta_mermaid_draws_one_arrow_from_the_apps_box_per_shared_connection(out):
    stack = load_stack("beta", out)
    text = mermaid(stack, build(stack))
    apps = node_id("set rg-trading-beta-apps azurerm_container_app")
    environment = node_id(only(out, "beta", "azurerm_container_app_environment"))
    assert f'    subgraph {apps}["5 container apps"]\n' in text
    assert f"  {apps} -->|runs in| {environment}\n" in text
    assert text.count(f"  {apps} -->") == 8
    assert "-->|runs in|" not in text.replace(f"{apps} -->|runs in|", "")


# --- the picture, and what happens without it ------------------------------------------------

def run_diagram(out: Path, target: Path, stack: str = "beta") -> int:
    return main(["diagram", stack, "--out", str(out), "--out-dir", str(target)])


LIBRARY, MISSING = diagram.picture_tools()
needs_picture = pytest.mark.skipif(LIBRARY is None, reason=f"no picture here: {MISSING}")


@needs_picture
def test_every_icon_is_a_diagrams_azure_class_with_its_image(out):
    for tf_type in [*diagram.ICONS, "azurerm_anything_else"]:
        icon_class = diagram._icon_class(tf_type)
        assert icon_class.__module__.startswith("diagrams.azure."), tf_type
        assert (Path(LIBRARY.__file__).parent.parent / icon_class._icon_dir / icon_class._icon).is_file(), tf_type


@needs_picture
def test_the_prod_picture_is_left_to_right_with_a_box_per_resource_group_and_the_same_every_time(out, tmp_path):
    stack = load_stack("prod", out)
    result = build(stack)
    source = diagram.render_png(stack, result, tmp_path / "one.png", LIBRARY)
    diagram.render_png(stack, result, tmp_path / "two.png", LIBRARY)
    picture = (tmp_path / "one.png").read_bytes()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    assert picture == (tmp_path / "two.png").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.png", "two.png"]  # no Graphviz file left
    assert "rankdir=LR" in source
    for group in result.groups:
        assert f"subgraph cluster_{node_id('group ' + group)} {{" in source, group
    assert "container-apps.png" in source


@needs_picture
def test_the_command_writes_mermaid_and_the_picture(out, tmp_path, capsys):
    assert run_diagram(out, tmp_path) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beta.mmd", "beta.png"]
    assert capsys.readouterr().out == (
        f"beta: 64 resources and 5 lookups in 3 groups -> {tmp_path / 'beta.mmd'}, {tmp_path / 'beta.png'}\n"
    )
