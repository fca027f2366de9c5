"""Azure's regions, read from `data/regions.toml` (which names its source and date)."""

from __future__ import annotations

import tomllib
from importlib import resources as package_files

_DATA = tomllib.loads(package_files.files("sigmatiq_infra").joinpath("data/regions.toml").read_text())
NAMES: tuple[str, ...] = tuple(_DATA["names"])
SOURCE: str = _DATA["source"]
