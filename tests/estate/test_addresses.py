"""Every resource's Terraform address (type and logical id) is a contract with deployed state:
the addresses the stacks synthesize are the recorded ones (tests/estate/fixtures/addresses.json). A
refactor that changes one fails here before it reaches a plan; the fix is a `moved` block
(cdktf's `move_to`), then recording the new address.

Record the addresses after a deliberate change with `python tests/estate/test_addresses.py`."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from helpers import ENGINE, ROOT

RECORD = Path(__file__).resolve().parent / "fixtures" / "addresses.json"
DIGESTS = Path(__file__).resolve().parent / "fixtures" / "synth-digests.json"


def addresses(document: dict) -> list[str]:
    return sorted(f"{kind}.{name}" for kind, found in document.get("resource", {}).items() for name in found)


def test_every_stack_synthesizes_exactly_the_recorded_resource_addresses(synthesized):
    recorded = json.loads(RECORD.read_text())
    now = {name: addresses(stack.doc) for name, stack in synthesized.items()}
    changes = {
        name: {
            "gone (a rename needs a moved block)": sorted(set(recorded.get(name, [])) - set(now.get(name, []))),
            "new": sorted(set(now.get(name, [])) - set(recorded.get(name, []))),
        }
        for name in sorted(recorded.keys() | now.keys())
    }
    assert {name: change for name, change in changes.items() if any(change.values())} == {}, (
        "resource addresses changed; if deliberate, record them with `python tests/estate/test_addresses.py`"
    )


def test_the_record_holds_every_stack_and_the_vpn_gateways_public_ip_at_its_address():
    recorded = json.loads(RECORD.read_text())
    assert sorted(recorded) == ["beta", "prod", "shared", "state"]
    assert [a for a in recorded["prod"] if a.startswith("azurerm_public_ip.")] == [
        "azurerm_public_ip.Vpn_PublicIp_B7DFF6BA",
    ]


@pytest.mark.skipif(ENGINE.name != "cdktf", reason="the fixture is cdktf's JSON (the engines differ: test_engines.py)")
def test_every_stack_of_every_settings_variant_is_byte_identical_to_its_recorded_json(
    variant_dirs,
):
    recorded = json.loads(DIGESTS.read_text())["digests"]
    repository = f'"{ROOT}/'.encode()  # the local backend's state path is absolute: the checkout's folder
    now = {
        variant: {
            path.parent.name: hashlib.sha256(path.read_bytes().replace(repository, b'"<repository>/')).hexdigest()
            for path in sorted(folder.glob("stacks/*/cdk.tf.json"))
        }
        for variant, folder in variant_dirs.items()
    }
    assert sorted(now) == sorted(recorded) and sum(len(stacks) for stacks in recorded.values()) == 36
    differ = [(variant, stack) for variant, stacks in recorded.items() for stack in stacks
              if now[variant].get(stack) != recorded[variant][stack]]
    assert differ == [], "these stacks no longer synthesize the JSON recorded in fixtures/synth-digests.json"


if __name__ == "__main__":
    sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
    from sigmatiq_infra import runtime

    runtime.enable()
    import tempfile

    from estate_helpers import ISOLATED, synth

    from stacks.settings import load

    with tempfile.TemporaryDirectory() as folder:
        stacks = synth(load(environ=ISOLATED), Path(folder))
    RECORD.write_text(json.dumps({name: addresses(stack.doc) for name, stack in stacks.items()}, indent=1) + "\n")
    print(f"recorded {sum(len(addresses(s.doc)) for s in stacks.values())} addresses in {RECORD}")
