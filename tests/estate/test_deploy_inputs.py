"""Deploy-time inputs are checked by Terraform itself, with real good and bad values.

Each synthesized stack's `variable` blocks are copied into a configuration of their own (no
resources, so no provider is needed) and the real `terraform plan` runs on it: good values
(a root certificate made by `sigmatiq-infra vpn-cert root`, a password Azure accepts) must
pass, and each bad value must fail with exactly the stack's own messages for it.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import VENV_BIN, empty_provider_mirror, slow_fixture

TERRAFORM = shutil.which("terraform")
pytestmark = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed (CI and bin/test have it)")
VERSIONS = ("postgres_admin_password_version", "redis_connection_string_version")

# What each bad value breaks, as the phrase its rule's message carries.
LENGTH = "fewer than 8 or more than 128 characters"
KINDS = "fewer than three of the four kinds"
LOGIN = "contains the administrator login"
WHOLE = "is not a whole number of at least 1"
HEADER = "has PEM header lines"
ONE_LINE = "is not one line of base64"
COMPLETE = "is not complete base64"
DER = "does not decode to a DER"
GUID = "is not a subscription id"


@pytest.fixture(scope="module")
@slow_fixture
def root_certificate(tmp_path_factory) -> str:
    """A root certificate made the way operators make it: `sigmatiq-infra vpn-cert root`."""
    folder = tmp_path_factory.mktemp("p2s-root")
    subprocess.run(
        [str(VENV_BIN / "sigmatiq-infra"), "vpn-cert", "root",
         "--cert-out", str(folder / "root.cer"), "--key-out", str(folder / "root.key.pem")],
        check=True, capture_output=True, timeout=120,
        env={**os.environ, "SIGMATIQ_P2S_KEY_PASSPHRASE": secrets.token_urlsafe(24)},
    )
    return (folder / "root.cer").read_text().strip()


@pytest.fixture(scope="module")
def values(root_certificate):
    """(good values, bad cases): a bad case is (variable, value, the phrases of the rules it breaks)."""
    password = "Aa1!" + secrets.token_urlsafe(18)  # made at run time: no password is written down
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(
        root_certificate[i:i + 64] for i in range(0, len(root_certificate), 64)
    ) + "\n-----END CERTIFICATE-----\n"
    noise = base64.b64encode(b"\x00" + secrets.token_bytes(599)).decode()
    good = {
        "postgres_admin_password": password, "postgres_admin_password_version": "2",
        "redis_connection_string_version": "1", "vpn_root_certificate": root_certificate,
        "subscription_id": "11111111-2222-3333-4444-555555555555",
    }
    bad = [
        ("postgres_admin_password", "short", {LENGTH, KINDS}),
        ("postgres_admin_password", "only-lowercase-and-dashes", {KINDS}),
        ("postgres_admin_password", "Aa1!" + "x" * 125, {LENGTH}),
        ("postgres_admin_password", "My-SQLAdmin-2026", {LOGIN}),
        *((name, value, {WHOLE}) for name in VERSIONS for value in ("0", "1.5", "-3")),
        ("vpn_root_certificate", pem, {HEADER, ONE_LINE}),
        ("vpn_root_certificate", noise, {DER}),
        ("vpn_root_certificate", pem.split("\n", 1)[1].rsplit("\n-----", 1)[0], {ONE_LINE}),
        ("vpn_root_certificate", root_certificate[:-1], {COMPLETE}),
        ("subscription_id", "my-subscription", {GUID}),
        ("subscription_id", "1111111-2222-3333-4444-555555555555", {GUID}),
    ]
    return good, bad


def inputs_of(document: dict) -> dict:
    return {name: variable for name, variable in document.get("variable", {}).items() if variable.get("validation")}


def plan(folder: Path, variables: dict[str, str]) -> list[str]:
    """The first line of every diagnostic `terraform plan` reports for these values."""
    arguments = [f"-var={name}={value}" for name, value in variables.items()]
    result = subprocess.run(
        [TERRAFORM, "plan", "-input=false", "-no-color", "-json", "-lock=false", *arguments], cwd=folder,
        env=empty_provider_mirror(folder), capture_output=True, text=True, timeout=120,
    )
    found = []
    for line in result.stdout.splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("type") == "diagnostic":
            found.append(message["diagnostic"]["detail"].split("\n\n")[0])
    assert (result.returncode == 0) == (found == []), result.stdout + result.stderr
    return found


@pytest.fixture(scope="module")
def checked(variant_dirs, values, tmp_path_factory):
    """For every stack of every variant that has checked inputs: the plan results of the good
    values and of each bad case, with the messages the stack's rules carry."""
    good, bad = values
    work = tmp_path_factory.mktemp("deploy-inputs")
    stacks, folders = {}, {}
    for variant, outdir in variant_dirs.items():
        for document in sorted(outdir.glob("stacks/*/cdk.tf.json")):
            variables = json.loads(document.read_text()).get("variable", {})
            if inputs_of({"variable": variables}):
                stacks[f"{variant}/{document.parent.name}"] = variables
    # Stacks whose variable blocks are identical (most variants share them) are planned once.
    for variables in stacks.values():
        text = json.dumps({"variable": variables}, sort_keys=True)
        if text not in folders:
            folders[text] = work / str(len(folders))
            folders[text].mkdir()
            (folders[text] / "inputs.tf.json").write_text(text)
    jobs = []
    for text, folder in folders.items():
        variables = json.loads(text)["variable"]
        given = {name: value for name, value in good.items() if name in variables}
        jobs.append((text, None, folder, given))
        jobs += [
            (text, index, folder, {**given, name: value})
            for index, (name, value, _) in enumerate(bad) if name in variables
        ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: plan(job[2], job[3]), jobs))
    by_text = {(text, index): found for (text, index, _, _), found in zip(jobs, results, strict=True)}
    outcome = {
        (key, index): found for key, variables in stacks.items()
        for (text, index), found in by_text.items() if text == json.dumps({"variable": variables}, sort_keys=True)
    }
    return stacks, outcome


def test_every_stack_with_inputs_is_checked_in_every_variant(checked):
    stacks, _ = checked
    assert {key for key in stacks if key.startswith("defaults/")} == {
        "defaults/shared", "defaults/beta", "defaults/prod",
    }
    assert len([key for key in stacks if key.startswith("ten-environments/")]) == 11
    assert "vpn_root_certificate" in stacks["defaults/prod"]
    assert "vpn_root_certificate" not in stacks["root-certificate-in-settings/prod"]
    assert "subscription_id" in stacks["defaults/beta"]
    assert "subscription_id" not in stacks["adoption-with-subscription/beta"]
    assert "adoption-with-subscription/shared" not in stacks


def test_every_input_with_rules_has_good_and_bad_values_here(checked, values):
    stacks, _ = checked
    good, bad = values
    names = {name for variables in stacks.values() for name in inputs_of({"variable": variables})}
    assert names <= set(good)
    assert names <= {name for name, _, _ in bad}


def test_good_values_pass_terraforms_checks_in_every_stack(checked):
    stacks, outcome = checked
    assert {key: outcome[(key, None)] for key in stacks} == {key: [] for key in stacks}


def test_a_root_certificate_made_by_vpn_cert_root_passes_prods_own_validation(checked, root_certificate):
    _, outcome = checked
    assert root_certificate.startswith("MII")
    assert outcome[("defaults/prod", None)] == []


def test_each_bad_value_fails_with_exactly_the_stacks_own_messages(checked, values):
    stacks, outcome = checked
    _, bad = values
    for key, variables in stacks.items():
        for index, (name, value, phrases) in enumerate(bad):
            if name not in variables:
                continue
            messages = [rule["error_message"] for rule in variables[name]["validation"]]
            expected = [message for message in messages if any(phrase in message for phrase in phrases)]
            assert len(expected) == len(phrases), (name, phrases)
            assert sorted(outcome[(key, index)]) == sorted(expected), (key, name, value[:40])


def test_the_messages_name_the_input_what_is_allowed_and_how_to_set_it(checked):
    stacks, _ = checked
    for name, variable in inputs_of({"variable": stacks["defaults/prod"]}).items():
        for rule in variable["validation"]:
            message = rule["error_message"]
            assert message.startswith(f"The deploy-time input {name} (")
            assert ". Allowed: " in message
            assert f"Fix: set TF_VAR_{name} " in message
