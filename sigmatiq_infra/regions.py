"""Azure's regions and what each offers: one data table (`data/regions.toml`, which names its
sources and dates), read here; constructs ask this module, never a list of their own.

A region is written as its programmatic name (`westeurope`). azurerm also takes the display
name (`West Europe`) and compares them after lowercasing and dropping spaces
(go-azure-helpers `location.Normalize`); `canonical()` does the same, so the library accepts
both and writes the programmatic name.
"""

from __future__ import annotations

import difflib
import itertools
import re
import tomllib
from importlib import resources as package_files

_DATA = tomllib.loads(package_files.files("sigmatiq_infra").joinpath("data/regions.toml").read_text())
NAMES: tuple[str, ...] = tuple(_DATA["names"])
SOURCE: str = _DATA["source"]
AVAILABILITY_ZONES: frozenset[str] = frozenset(_DATA["availability_zones"])
ZONES_SOURCE: str = _DATA["zones_source"]
POSTGRES_NO_GEO_BACKUP: frozenset[str] = frozenset(_DATA["postgres"]["no_geo_redundant_backup"])
POSTGRES_NO_ZONE_REDUNDANT_HA: frozenset[str] = frozenset(_DATA["postgres"]["no_zone_redundant_high_availability"])
POSTGRES_SOURCE: str = _DATA["postgres"]["source"]
POSTGRES_COMPUTE: dict[str, frozenset[str]] = {
    region: frozenset(generations) for region, generations in _DATA["postgres"]["compute"].items()
}
"""The compute generations (`intel-v5`, `amd-v5`, `confidential-v5`, ...) each region offers
flexible servers on; a region not named here is not checked."""


def canonical(location: str) -> str | None:
    """The programmatic name of `location` (`West Europe` -> `westeurope`), or None when it
    names no region."""
    name = location.lower().replace(" ", "")
    return name if name in NAMES else None


_AREA_WORDS = {"eu": "europe", "ap": "asia"}
"""Area prefixes of other clouds' region names (`eu-west`, `ap-southeast`) as Azure's names spell them."""


def closest(location: str) -> str | None:
    """The region `location` most likely meant, for a message's fix: its words in another order
    (`US East`, `us-east-2`: `eastus`, `eastus2`; `eu-west`: `westeurope`), else the most similar
    name; None when no name is close."""
    words = [_AREA_WORDS.get(word, word) for word in re.split(r"[\s_-]+", location.lower()) if word]
    if len(words) > 2 and words[-1] == "1":  # another cloud's first region of an area: Azure's has no number
        words = words[:-1]
    if 1 < len(words) <= 4:
        for order in itertools.permutations(words):
            if canonical("".join(order)) is not None:
                return "".join(order)
    close = difflib.get_close_matches(location.lower().replace(" ", ""), NAMES, n=1)
    return close[0] if close else None


def has_zones(location: str) -> bool | None:
    """Whether the region has availability zones; None when `location` names no region (its
    own check reports that)."""
    name = canonical(location)
    return None if name is None else name in AVAILABILITY_ZONES
