"""`bin/ops`: the Sigmatiq estate's operator commands (`python -m stacks.ops COMMAND`).

The library's commands with the estate's own sources and defaults, and the estate-only
`allow-ip`:

- `plan-gate`: the library's gate, with the estate's deployed record (`stacks/deployed.toml`)
  and the replacement opt-ins of its settings;
- `record-deployed`: entries for `stacks/deployed.toml`;
- `vpn-cert`: prod's P2S certificates, where the prod settings read the root
  (`certs/p2s-root.cer`, CN=SigmatiqP2SRoot);
- `cost`: the library's estimate with the estate's usage assumptions and the seed's
  estimate to compare with (`stacks/costs.toml`);
- `allow-ip`: an operator's public IP through beta's PostgreSQL firewall.

`diagram` needs nothing of the estate: `sigmatiq-infra diagram STACK`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sigmatiq_infra import cli
from sigmatiq_infra.cli import cost, plan_gate, record, vpn_cert
from stacks.ops import allow_ip
from stacks.record import RECORD_FILE, RECORD_NAME
from stacks.settings import DEFAULTS

PROG = "bin/ops"
COSTS_FILE = Path(__file__).resolve().parents[1] / "costs.toml"
"""The estate's usage assumptions and the seed's estimate, for `cost`."""


def replacements() -> dict:
    """The opt-ins of the settings as the environment makes them (what synth used)."""
    from stacks.app import replacements as of_settings
    from stacks.settings import load

    return of_settings(load())


def parser() -> argparse.ArgumentParser:
    vpn = DEFAULTS.environments["prod"].network.vpn  # type: ignore[union-attr]
    root = argparse.ArgumentParser(
        prog=PROG, description="Operator commands for the Sigmatiq Azure estate (on the sigmatiq-infra library).",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    plan_gate.register(commands, record=RECORD_FILE, replacements=replacements)
    record.register(commands, record=RECORD_NAME)
    vpn_cert.register(commands, defaults=vpn_cert.VpnCertDefaults(
        common_name=vpn.root_certificate_name,
        root_certificate_file=Path(vpn.root_certificate_file),
        key_directory=Path("~/.sigmatiq/p2s"),
        where_read="read by the prod stack",
    ))
    cost.register(commands, assumptions=COSTS_FILE)
    allow_ip.register(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
