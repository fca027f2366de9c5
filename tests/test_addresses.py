"""Every resource's Terraform address (type and logical id) is a contract with deployed state:
the addresses the stacks synthesize are the recorded ones (tests/fixtures/addresses.json). A
refactor that changes one fails here before it reaches a plan; the fix is a `moved` block
(cdktf's `move_to`), then recording the new address.

Record the addresses after a deliberate change with `python tests/test_addresses.py`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

RECORD = Path(__file__).resolve().parent / "fixtures" / "addresses.json"


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
        "resource addresses changed; if deliberate, record them with `python tests/test_addresses.py`"
    )


def test_the_record_holds_every_stack_and_the_vpn_gateways_public_ip_at_its_address():
    recorded = json.loads(RECORD.read_text())
    assert sorted(recorded) == ["beta", "prod", "shared", "state"]
    assert [a for a in recorded["prod"] if a.startswith("azurerm_public_ip.")] == [
        "azurerm_public_ip.Vpn_PublicIp_B7DFF6BA",
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest import ISOLATED, synth

    from sigmatiq_infra import runtime

    runtime.enable()
    import tempfile

    from sigmatiq_infra.settings import load

    with tempfile.TemporaryDirectory() as folder:
        stacks = synth(load(environ=ISOLATED), Path(folder))
    RECORD.write_text(json.dumps({name: addresses(stack.doc) for name, stack in stacks.items()}, indent=1) + "\n")
    print(f"recorded {sum(len(addresses(s.doc)) for s in stacks.values())} addresses in {RECORD}")
