"""Nothing deployed is replaced or deleted by a settings change without a reasoned opt-in."""

import dataclasses
import json

import pytest
from estate_helpers import ISOLATED
from helpers import error_of

from sigmatiq_infra.constructs import resource_facts
from sigmatiq_infra.deployed import DeployedRecord, check_stack, parse_record, record_from_state
from stacks.app import bootstrap_notices, main, synthesize
from stacks.record import record as load_record
from stacks.settings import Replacement, load

REASON = "Beta holds only test data; a fresh server with geo backups is wanted."


def with_beta(settings, **changes):
    beta = dataclasses.replace(settings.environments["beta"], **changes)
    return dataclasses.replace(settings, environments={"beta": beta})


def geo_redundant_beta(*replacements):
    settings = load(environ=ISOLATED)
    beta = settings.environments["beta"]
    return with_beta(
        settings,
        postgres=dataclasses.replace(beta.postgres, geo_redundant_backup=True),
        adoption=dataclasses.replace(beta.adoption, replacements=replacements),
    )


# --- the record -----------------------------------------------------------------------------------

def test_the_record_lists_the_deployed_shared_and_beta_estate_and_nothing_of_prod():
    record = load_record()
    assert {d.stack for d in record} == {"shared", "beta"}
    assert sorted(d.name for d in record if d.stack == "shared") == [
        "acrtradingshared", "kv-trading-shared", "rg-trading-shared",
    ]
    [server] = [d for d in record if d.name == "psql-trading-beta"]
    assert server.arguments == {
        "location": "centralus", "resource_group_name": "rg-trading-beta-data",
        "administrator_login": "sqladmin", "geo_redundant_backup_enabled": False, "version": "16",
    }
    assert server.unset == ("create_mode", "delegated_subnet_id", "private_dns_zone_id")



def test_every_recorded_argument_is_one_its_construct_says_forces_replacement():
    facts = resource_facts()
    for deployed in load_record():
        kind = facts[deployed.type]
        forcing = {*kind.replaced_when_changed, *kind.replaced_when_lowered}
        assert set(deployed.arguments) | set(deployed.unset) <= forcing, deployed


def test_todays_settings_match_the_record(synthesized):
    """The session's synth of today's settings (conftest) ran the deployed-estate check and
    wrote every stack."""
    assert sorted(synthesized) == ["beta", "prod", "shared", "state"]


# --- a replacement-forcing change stops synth ----------------------------------------------------------

def test_turning_on_geo_redundant_backups_of_the_adopted_beta_server_stops_synth(tmp_path):
    message = error_of(lambda: synthesize(geo_redundant_beta(), tmp_path / "out"))
    assert message == (
        "Deployed resource 'beta/Postgres/Resource': geo_redundant_backup_enabled True would replace "
        "azurerm_postgresql_flexible_server 'psql-trading-beta' (deployed: False; Azure fixes it at "
        "creation, so the next deploy would destroy it and create it again, losing what it holds). "
        "Allowed: False, the deployed value recorded in stacks/deployed.toml. Fix: set it "
        "back to False, or opt in: Replacement('psql-trading-beta', 'geo_redundant_backup_enabled', "
        "reason=...) in the beta adoption settings' replacements."
    )
    assert not (tmp_path / "out").exists()


def test_moving_the_estate_to_another_region_stops_synth_for_every_deployed_resource(tmp_path):
    settings = load(environ={**ISOLATED, "SIGMATIQ_LOCATION": "westeurope"})
    problems = error_of(lambda: synthesize(settings, tmp_path / "out")).splitlines()
    moved = sorted(problem.split(" would replace ")[1].split(" (")[0] for problem in problems)
    assert moved == sorted(
        f"{d.type} {d.name!r}" for d in load_record() if "location" in d.arguments
    )
    assert all(problem.split(": ", 1)[1].startswith("location 'westeurope' would replace") for problem in problems)


def test_renaming_a_deployed_vault_stops_synth_because_the_deploy_would_delete_it(tmp_path):
    settings = load(environ=ISOLATED)
    beta = settings.environments["beta"]
    settings = with_beta(settings, key_vault=dataclasses.replace(beta.key_vault, name="kv-trading-beta-2024"))
    assert error_of(lambda: synthesize(settings, tmp_path / "out")) == (
        "Deployed resource 'beta': azurerm_key_vault 'kv-trading-beta-1023' is no longer in the stack "
        "(renamed or removed), so the next deploy would delete it. Allowed: every resource recorded in "
        "stacks/deployed.toml kept under its deployed name. Fix: restore the setting that "
        "named it, or opt in: Replacement('kv-trading-beta-1023', 'delete', reason=...) in the beta "
        "adoption settings' replacements."
    )


def test_a_lower_postgres_version_forces_replacement_and_a_higher_one_does_not():
    record = DeployedRecord(tuple(d for d in load_record() if d.name == "psql-trading-beta"))
    lowered = {"azurerm_postgresql_flexible_server": {"version": ("13", "14", "15", "16", "17")}}

    def problems(version):
        document = {"resource": {"azurerm_postgresql_flexible_server": {"Postgres": {
            "name": "psql-trading-beta", "location": "centralus", "resource_group_name": "rg-trading-beta-data",
            "administrator_login": "sqladmin", "geo_redundant_backup_enabled": False, "version": version,
        }}}}
        return check_stack("beta", document, record, (), lowered)

    assert problems("17") == []
    assert problems("16") == []
    [problem] = problems("15")
    assert "version '15' would replace azurerm_postgresql_flexible_server 'psql-trading-beta' (deployed: '16'; " \
        "Azure cannot move it down" in problem


# --- the reasoned opt-in ---------------------------------------------------------------------------------

def test_a_replacement_opt_in_with_a_reason_lets_exactly_that_change_through(tmp_path):
    settings = geo_redundant_beta(Replacement("psql-trading-beta", "geo_redundant_backup_enabled", REASON))
    synthesize(settings, tmp_path / "out")
    document = json.loads((tmp_path / "out" / "stacks" / "beta" / "cdk.tf.json").read_text())
    [server] = document["resource"]["azurerm_postgresql_flexible_server"].values()
    assert server["geo_redundant_backup_enabled"] is True
    # The opted-in server is no longer protected from the replacement; the rest still is.
    assert "prevent_destroy" not in server["lifecycle"]
    [vault] = document["resource"]["azurerm_key_vault"].values()
    assert vault["lifecycle"] == {"prevent_destroy": True}


def test_an_opt_in_without_a_real_reason_is_refused(tmp_path):
    settings = geo_redundant_beta(Replacement("psql-trading-beta", "geo_redundant_backup_enabled", "wanted"))
    assert error_of(lambda: synthesize(settings, tmp_path / "out")) == (
        "AdoptionSettings 'beta': replacements[0].reason 'wanted' is too short. Allowed: a written reason "
        "of at least 20 characters. Fix: say why losing the deployed resource is acceptable."
    )


def test_an_opt_in_that_matches_no_change_is_refused(tmp_path):
    settings = load(environ=ISOLATED)
    beta = settings.environments["beta"]
    settings = with_beta(settings, adoption=dataclasses.replace(
        beta.adoption, replacements=(Replacement("redis-trading-beta-1023", "location", REASON),),
    ))
    assert error_of(lambda: synthesize(settings, tmp_path / "out")) == (
        "Replacement 'beta/redis-trading-beta-1023': argument 'location' matches no change of a deployed "
        "resource. Allowed: opt-ins only for a change synth would otherwise refuse. Fix: remove the opt-in "
        "(once a replacement is deployed, update the record instead)."
    )


# --- adopted resources are protected by Terraform too -------------------------------------------------------

def test_every_adopted_resource_carries_prevent_destroy(synthesized):
    for name in ("shared", "beta"):
        stack = synthesized[name].doc
        for block in stack["import"]:
            tf_type, logical_id = block["to"].split(".")
            assert stack["resource"][tf_type][logical_id]["lifecycle"]["prevent_destroy"] is True, block["to"]


def test_the_adopted_server_keeps_its_ignore_changes_beside_prevent_destroy(beta):
    _, server = beta.named("azurerm_postgresql_flexible_server", "psql-trading-beta")
    assert server["lifecycle"] == {
        "ignore_changes": ["zone", "high_availability[0].standby_availability_zone"], "prevent_destroy": True,
    }


# --- recording a stack once it is deployed --------------------------------------------------------------------

STATE = {
    "format_version": "1.0",
    "values": {"root_module": {"resources": [
        {"address": "azurerm_postgresql_flexible_server.Postgres_1", "mode": "managed",
         "type": "azurerm_postgresql_flexible_server", "name": "Postgres_1", "values": {
             "name": "psql-trading-prod", "location": "centralus", "resource_group_name": "rg-trading-prod-data",
             "administrator_login": "sqladmin", "geo_redundant_backup_enabled": True, "version": "16",
             "create_mode": None, "delegated_subnet_id": "", "private_dns_zone_id": "", "storage_mb": 65536,
             "sku_name": "GP_Standard_D2ds_v4",
         }},
        {"address": "azurerm_postgresql_flexible_server_database.Db", "mode": "managed",
         "type": "azurerm_postgresql_flexible_server_database", "name": "Db", "values": {
             "name": "sigmatiq_core", "charset": "UTF8", "collation": "en_US.utf8",
             "server_id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/p",
         }},
        {"address": "data.azurerm_client_config.ClientConfig", "mode": "data", "type": "azurerm_client_config",
         "name": "ClientConfig", "values": {"tenant_id": "t"}},
        {"address": "azurerm_virtual_network_dns_servers.Dns", "mode": "managed",
         "type": "azurerm_virtual_network_dns_servers", "name": "Dns", "values": {"dns_servers": ["10.20.0.36"]}},
    ]}},
}


def test_a_deployed_stack_records_itself_from_its_terraform_state():
    text = record_from_state("prod", STATE, resource_facts())
    assert text == (
        '[[resource]]\nstack = "prod"\ntype = "azurerm_postgresql_flexible_server"\nname = "psql-trading-prod"\n'
        'arguments = { location = "centralus", resource_group_name = "rg-trading-prod-data", '
        'administrator_login = "sqladmin", geo_redundant_backup_enabled = true, version = "16", '
        'storage_mb = 65536 }\n'
        'unset = ["create_mode", "delegated_subnet_id", "private_dns_zone_id"]\n'
        '\n[[resource]]\nstack = "prod"\ntype = "azurerm_postgresql_flexible_server_database"\n'
        'name = "sigmatiq_core"\narguments = { charset = "UTF8", collation = "en_US.utf8" }\n'
    )
    [server, database] = parse_record(text)
    assert (server.stack, server.arguments["geo_redundant_backup_enabled"]) == ("prod", True)
    assert database.arguments == {"charset": "UTF8", "collation": "en_US.utf8"}


def test_the_record_command_prints_entries_to_append(tmp_path, capsys):
    from sigmatiq_infra.cli import main as cli

    state = tmp_path / "state.json"
    state.write_text(json.dumps(STATE))
    assert cli(["record-deployed", "prod", "--state", str(state)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# prod: recorded from its Terraform state\n\n[[resource]]\n")
    assert len(parse_record(out)) == 2


def test_the_record_command_refuses_a_plan_or_a_missing_file(tmp_path, capsys):
    from sigmatiq_infra.cli import main as cli

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": []}))
    assert cli(["record-deployed", "prod", "--state", str(plan)]) == 2
    assert cli(["record-deployed", "prod", "--state", str(tmp_path / "none.json")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"sigmatiq-infra: error: record-deployed: {plan} holds no state values.")
    assert err[1].startswith(f"sigmatiq-infra: error: record-deployed: {tmp_path / 'none.json'} does not exist.")


# --- bootstrap says what it leaves out --------------------------------------------------------------------------

BOOTSTRAP_LINE = (
    "sigmatiq-infra: prod is synthesized for its first (bootstrap) deploy because SIGMATIQ_PROD_BOOTSTRAP "
    "is on: it leaves out the vault secrets and the container apps ca-auth-api, ca-native-api, ca-pilot-api, "
    "ca-card-api, ca-sim-api; deployed over a running prod, it would delete them."
)


def test_bootstrap_names_the_container_apps_it_leaves_out():
    assert bootstrap_notices(load(environ={**ISOLATED, "SIGMATIQ_PROD_BOOTSTRAP": "1"})) == [BOOTSTRAP_LINE]
    assert bootstrap_notices(load(environ=ISOLATED)) == []


def test_main_prints_the_bootstrap_line_once(tmp_path, monkeypatch, capsys):
    for name, value in {**ISOLATED, "SIGMATIQ_PROD_BOOTSTRAP": "1", "CDKTF_OUTDIR": str(tmp_path / "o")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ARM_SUBSCRIPTION_ID", raising=False)
    assert main([]) == 0
    assert capsys.readouterr().err.splitlines() == [BOOTSTRAP_LINE]


@pytest.mark.parametrize("value", ["false", "0", "off", "no"])
def test_bootstrap_off_keeps_the_apps(value):
    assert load(environ={**ISOLATED, "SIGMATIQ_PROD_BOOTSTRAP": value}).environments["prod"].bootstrap is False
