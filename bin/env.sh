# Sourced by the bin/ commands: puts the project's tools first on PATH.
# node_modules/.bin carries Node.js 22, so jsii runs on a supported Node.js (no end-of-life banner)
# and the cdktf CLI is the pinned one. CHECKPOINT_DISABLE stops the CLI's version check calls.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/node_modules/.bin:$root/.venv/bin:$PATH"
export CHECKPOINT_DISABLE=1
export DISABLE_VERSION_CHECK=1
