"""The library's commands for this service, with its own construct classes loaded so that
their facts count: `python ops.py plan-gate orders` refuses to replace or delete the Service
Bus namespace (it holds queued messages), `python ops.py cost orders` prices it (from
`costs.toml`), `python ops.py diagram orders` draws it."""

import argparse
import sys
from pathlib import Path

from sigmatiq_infra import cli
from sigmatiq_infra.cli import cost, diagram, plan_gate, plan_test


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="ops.py", description="The orders service's commands.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cost.register(commands, assumptions=Path(__file__).with_name("costs.toml"))
    diagram.register(commands)
    plan_gate.register(commands)
    plan_test.register(commands)
    return root


if __name__ == "__main__":
    sys.exit(cli.run(parser(), constructs=["service_bus"]))
