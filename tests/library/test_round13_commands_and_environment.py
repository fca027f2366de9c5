"""What a user types or sets outside Python code: the launcher, the `sigmatiq-infra` commands
and the environment variables the library reads. Each mistake is one clear error (exit 2 for
bad input, 1 when the work failed), no traceback, nothing written; valid input works. Found by
trying them from outside the repository (round 13)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ENGINE, NODE_BIN, ROOT


def launch(folder: Path, *argv: str) -> subprocess.CompletedProcess:
    """`python -m sigmatiq_infra.launch ARGV...` in `folder`, on this checkout's library."""
    return subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", *argv], cwd=folder, capture_output=True, text=True,
        env={
            "PATH": f"{NODE_BIN}:/usr/bin:/bin", "HOME": str(Path.home()), "SIGMATIQ_ENGINE": ENGINE.name,
            "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
        },
        timeout=300,
    )


# --- the launcher -------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_launcher_runs_a_program_of_another_folder_with_the_modules_beside_it_and_its_arguments(tmp_path):
    """As `python infra/main.py` would: the program's folder, not the working folder, is first
    on the path (cdktf.json may say `python -m sigmatiq_infra.launch infra/main.py`)."""
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "settings.py").write_text("GROUP = 'rg-orders'\n")
    (tmp_path / "infra" / "main.py").write_text(textwrap.dedent("""\
        import sys

        from settings import GROUP

        print(GROUP, sys.argv)
    """))
    result = launch(tmp_path, "infra/main.py", "--stage", "beta")
    assert (result.returncode, result.stdout) == (0, "rg-orders ['infra/main.py', '--stage', 'beta']\n"), result.stderr


@pytest.mark.slow
def test_the_launcher_refuses_no_program_a_folder_without_main_and_a_path_through_a_file_in_one_line(tmp_path):
    (tmp_path / "infra").mkdir()
    (tmp_path / "notes.txt").write_text("")
    found = {
        argv: (result.returncode, result.stderr)
        for argv in [(), ("infra",), ("notes.txt/main.py",)] for result in [launch(tmp_path, *argv)]
    }
    assert found == {
        (): (2, "sigmatiq-infra: launch: no program given. Fix: pass the app's main file and its arguments: "
                "python -m sigmatiq_infra.launch PROGRAM [ARGS...]\n"),
        ("infra",): (2, "sigmatiq-infra: launch: infra is a folder without __main__.py. Fix: pass the app's main "
                        "file, e.g. infra/main.py.\n"),
        ("notes.txt/main.py",): (2, "sigmatiq-infra: launch: notes.txt/main.py cannot be read (Not a directory). Fix: "
                                    "pass the app's main file, e.g. main.py.\n"),
    }


@pytest.mark.slow
def test_the_launchers_help_is_its_whole_text_on_stdout(tmp_path):
    result = launch(tmp_path, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("`python -m sigmatiq_infra.launch PROGRAM [ARGS...]`: run a program on the fast")
    assert "A program that does not exist, cannot be" in result.stdout
