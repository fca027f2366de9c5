"""The hooks and fixtures every test session uses (the helpers are in `tests/helpers.py`)."""

from helpers import (  # noqa: F401  (pytest finds hooks and fixtures by name here)
    dist,
    group,
    installed_wheel,
    pytest_collection_finish,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_sessionfinish,
    pytest_terminal_summary,
    secrets_env,
    stack,
)
