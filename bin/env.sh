# Sourced by the bin/ commands (and by you, before running cdktf): puts the project's tools
# first on PATH.
# node_modules/.bin carries Node.js 22, so jsii runs on a supported Node.js (no end-of-life banner)
# and the cdktf CLI is the pinned one. CHECKPOINT_DISABLE stops the CLI's version check calls.
# CDKTF_PARALLELISM=1 (the CLI's --parallelism, read from the environment) runs the stacks of one
# command one after another, in the order typed: `cdktf deploy shared beta` deploys shared first.
# The stacks declare no cdktf dependencies, so `cdktf deploy beta` also works alone.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/node_modules/.bin:$root/.venv/bin:$PATH"
export CHECKPOINT_DISABLE=1
export DISABLE_VERSION_CHECK=1
export CDKTF_PARALLELISM=1
