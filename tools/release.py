"""Release checks, used by the release workflow (and runnable by hand):

    python tools/release.py check vX.Y.Z      the tag is the package version, CHANGELOG.md has its section
    python tools/release.py notes vX.Y.Z      print that section (the GitHub release's notes)
    python tools/release.py check-dist DIR    the sdist and wheel in DIR carry what a user needs

The version has one source, `sigmatiq_infra.__version__` (pyproject.toml reads it); this tool
reads it from the file, without importing the package.
"""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WHEEL_MEMBERS = (
    "sigmatiq_infra/__init__.py", "sigmatiq_infra/py.typed", "sigmatiq_infra/launch.py",
    "sigmatiq_infra/prepare.py", "sigmatiq_infra/constructs/_resource.py", "sigmatiq_infra/constructs/monitoring.py",
    "sigmatiq_infra/stacks/base.py", "sigmatiq_infra/adoption.py", "sigmatiq_infra/deployed.py",
    "sigmatiq_infra/data/prices.toml", "sigmatiq_infra/data/regions.toml",
)
"""What an installed package needs: the code, its type marker and its data files."""
APP_FOLDERS = ("tests/", "examples/", "bench/", "tools/", "stacks/", "docs/", "bin/")
"""The repository's app, tests and tools: never in the wheel (the library alone is)."""


class ReleaseError(Exception):
    pass


def version(root: Path = ROOT) -> str:
    text = (root / "sigmatiq_infra" / "__init__.py").read_text()
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if match is None:
        raise ReleaseError("sigmatiq_infra/__init__.py has no __version__ line.")
    return match.group(1)


def section(release: str, root: Path = ROOT) -> str:
    """The body of CHANGELOG.md's `## [release] - date` section."""
    text = (root / "CHANGELOG.md").read_text()
    match = re.search(rf"^## \[{re.escape(release)}\] - \d{{4}}-\d{{2}}-\d{{2}}\n(.*?)(?=^## \[|\Z)", text, re.M | re.S)
    if match is None:
        raise ReleaseError(
            f"CHANGELOG.md has no section for {release}. Fix: add `## [{release}] - YYYY-MM-DD` with its changes."
        )
    return match.group(1).strip() + "\n"


def check(tag: str, root: Path = ROOT) -> None:
    current = version(root)
    if tag != f"v{current}":
        raise ReleaseError(
            f"the tag {tag} is not the package version {current} (sigmatiq_infra/__init__.py). Fix: tag "
            f"v{current}, or set __version__ to {tag.removeprefix('v')} and add its CHANGELOG.md section."
        )
    section(current, root)


def check_dist(folder: Path, root: Path = ROOT) -> None:
    current = version(root)
    wheels = sorted(folder.glob("*.whl"))
    sdists = sorted(folder.glob("*.tar.gz"))
    expected_wheel = f"sigmatiq_infra-{current}-py3-none-any.whl"
    if [w.name for w in wheels] != [expected_wheel] or [s.name for s in sdists] != [f"sigmatiq_infra-{current}.tar.gz"]:
        raise ReleaseError(
            f"{folder} holds {[p.name for p in wheels + sdists]}; expected {expected_wheel} and "
            f"sigmatiq_infra-{current}.tar.gz. Fix: build from a clean dist folder."
        )
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    missing = [member for member in WHEEL_MEMBERS if member not in names]
    strays = sorted(name for name in names if name.startswith(APP_FOLDERS) or name == "main.py")
    metadata = zipfile.ZipFile(wheels[0]).read(f"sigmatiq_infra-{current}.dist-info/METADATA").decode()
    problems = [f"the wheel lacks {member}" for member in missing] + [f"the wheel carries {name}" for name in strays]
    if f"Version: {current}\n" not in metadata:
        problems.append(f"the wheel's metadata does not say Version: {current}")
    with tarfile.open(sdists[0]) as sdist:
        members = sdist.getnames()
    for needed in ("CHANGELOG.md", "README.md", "LICENSE", "pyproject.toml"):
        if f"sigmatiq_infra-{current}/{needed}" not in members:
            problems.append(f"the sdist lacks {needed}")
    if problems:
        raise ReleaseError("; ".join(problems) + ".")


def main(argv: list[str]) -> int:
    try:
        match argv:
            case ["check", tag]:
                check(tag)
            case ["notes", tag]:
                sys.stdout.write(section(tag.removeprefix("v")))
            case ["check-dist", folder]:
                check_dist(Path(folder))
            case _:
                print(__doc__.strip(), file=sys.stderr)
                return 2
    except ReleaseError as problem:
        print(f"release: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
