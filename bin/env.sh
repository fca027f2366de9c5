# Sourced by the bin/ commands (and by you, before running cdktf): puts the project's tools
# first on PATH, for the engine SIGMATIQ_ENGINE selects (cdktf, the default, or cdktn).
# node_modules/.bin carries Node.js 22, so jsii runs on a supported Node.js (no end-of-life banner)
# and the CLI is the pinned one: node_modules/ and .venv/ for cdktf, engines/cdktn/node_modules/
# and .venv-cdktn/ for CDK Terrain (`cdktn synth|diff|deploy`). CHECKPOINT_DISABLE stops the
# CLI's version check calls. CDKTF_PARALLELISM=1 (the CLI's --parallelism, read from the
# environment by both CLIs) runs the stacks of one command one after another, in the order
# typed: `cdktf deploy shared beta` deploys shared first. The stacks declare no cdktf
# dependencies, so `cdktf deploy beta` also works alone.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# SIGMATIQ_ENGINE is read as Python reads it (spaces around it and case do not matter);
# $sigmatiq_engine is what it names ("" when unset), $cdk the engine's CLI the bin/
# commands run (cdktf or cdktn) and $sigmatiq_venv its virtual environment. A value that
# names no engine selects cdktf here; bin/setup, bin/app and synth refuse it
# (`sigmatiq_engine_ok PROGRAM` prints the one line and fails).
sigmatiq_engine=$(printf '%s' "${SIGMATIQ_ENGINE:-}" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | tr '[:upper:]' '[:lower:]')
case "$sigmatiq_engine" in
  cdktn) sigmatiq_venv=.venv-cdktn; cdk=cdktn
         export PATH="$root/engines/cdktn/node_modules/.bin:$root/.venv-cdktn/bin:$PATH" ;;
  *) sigmatiq_venv=.venv; cdk=cdktf
     export PATH="$root/node_modules/.bin:$root/.venv/bin:$PATH" ;;
esac
sigmatiq_engine_ok() {
  case "$sigmatiq_engine" in ""|cdktf|cdktn) return 0 ;; esac
  echo "$1: SIGMATIQ_ENGINE '$SIGMATIQ_ENGINE' is not an engine. Allowed: cdktf (the default), cdktn. Fix: set SIGMATIQ_ENGINE=cdktn, or unset it." >&2
  return 1
}
export CHECKPOINT_DISABLE=1
export DISABLE_VERSION_CHECK=1
export CDKTF_PARALLELISM=1
