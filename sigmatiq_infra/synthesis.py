"""The app, and the one path every bad input takes: a numbered list, nothing written, exit 1.

`App` is cdktf's `App` with one guarantee: `synth()` writes the stacks only when no problem
was found. It synthesizes into a staging folder beside the output folder, then runs the
checks that need the whole app (reachability, and any added with `add_check`), and moves
the files into place only when the app's problem log is empty; otherwise it raises one
`ValidationError` with every problem, and the output folder is as it was.

`synth(app)` is what a program calls: it synthesizes, or prints the numbered list and exits
with status 1, never a traceback for bad input. `App` is also a context manager that does
that when its block ends (and reports a `ValidationError` raised inside the block the same
way)::

    with App() as app:
        stack = AzureStack(app, "my-service")
        ...
"""

from __future__ import annotations

import difflib
import inspect
import json
import os
import shutil
import sys
import uuid
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigmatiq_infra import _cdktf, synth_checks
from sigmatiq_infra._cdktf import ENGINE
from sigmatiq_infra._stack_cycles import CIRCULAR, circular_problem
from sigmatiq_infra._taken_ids import duplicate_id_problem
from sigmatiq_infra.engine import ENGINES
from sigmatiq_infra.switches import library_variable_problems
from sigmatiq_infra.validation import LIBRARY_APP, PROBLEM_LOG, ProblemLog, ValidationError, Validator, format_problems

Check = Callable[[Path], Iterable[str]]
"""A check of the synthesized output folder: the problems it finds."""


@dataclass(frozen=True)
class Assembly:
    """What an app synthesized (`App.assemble()`): every stack's `cdk.tf.json`, by stack
    name, with the problems and warnings found on the way."""

    stacks: dict[str, dict[str, Any]]
    problems: tuple[str, ...]
    warnings: tuple[str, ...]


class App(_cdktf.App):
    """cdktf's `App` that writes nothing unless every stack is free of problems.

    `outdir` defaults as cdktf's does (`CDKTF_OUTDIR`, else `cdktf.out`); cdktf itself
    writes into a staging folder beside it (`.cdktf.out-<random>`), removed when synth ends
    or the app is discarded. cdktf's own
    construct validations are off by default (`skip_validation=True`): this library's
    constructs validate their props themselves, and cdktf's check of import blocks runs
    `terraform version` once per imported resource.
    """

    def __init__(self, *positional: Any, outdir: str | os.PathLike[str] | None = None, **options: Any) -> None:
        _check_app_arguments(positional, options)
        _check_outdir_type(outdir)
        target = Path(outdir or os.environ.get("CDKTF_OUTDIR") or "cdktf.out")
        _check_outdir(target, "CDKTF_OUTDIR" if not outdir and os.environ.get("CDKTF_OUTDIR") else "outdir")
        # cdktf creates the staging folder now; it goes when synth ends, or with the app. Its path is absolute:
        # the engine's Node.js process resolves a relative one against its own working directory, the one Python
        # had when the engine started, so after an os.chdir synth would find nothing to move and write nothing.
        folder = target.absolute()
        staging = folder.parent / f".{folder.name}-{uuid.uuid4().hex[:12]}"
        options.setdefault("skip_validation", True)
        if ENGINE.name == "cdktn":
            # CDK Terrain checks the Terraform features a stack uses against the versions it
            # targets; write-only arguments need Terraform 1.11, which this library requires.
            options["context"] = {"targetVersions": {"terraform": ">=1.11.0"}, **(options.get("context") or {})}
        super().__init__(outdir=str(staging), **options)
        weakref.finalize(self, shutil.rmtree, str(staging), True)
        self.__dict__[PROBLEM_LOG] = ProblemLog()
        self.__dict__[LIBRARY_APP] = True
        self.__dict__["_sigmatiq_target"] = target
        self.__dict__["_sigmatiq_checks"] = []
        self.__dict__["_sigmatiq_finished"] = False
        _MADE.add(self)
        # A bad SIGMATIQ_ENGINE (the default ran) or SIGMATIQ_FULL_IMPORT: synth refuses to write.
        self.problems.add(library_variable_problems(os.environ))

    @property
    def target(self) -> Path:
        """Where the stacks are written (`outdir` is the staging folder cdktf writes to)."""
        return self.__dict__["_sigmatiq_target"]

    @property
    def problems(self) -> ProblemLog:
        """Every problem (and warning) recorded so far."""
        return self.__dict__[PROBLEM_LOG]

    @property
    def problem_log(self) -> ProblemLog:
        """The same log, under the name validators look for."""
        return self.__dict__[PROBLEM_LOG]

    def add_check(self, check: Check) -> None:
        """Run `check` on the synthesized files before they are moved into place."""
        self.__dict__["_sigmatiq_checks"].append(check)

    def synth(self) -> None:
        """Synthesize every stack, or raise one ValidationError listing every problem (and
        write nothing). Files Terraform keeps beside the JSON (`.terraform/`, lock files,
        plans) stay in place."""
        staging = Path(self.outdir)
        if self.__dict__["_sigmatiq_finished"]:
            # cdktf's staging folder went with the first synth: cdktf would fail on it (ENOENT).
            check = Validator("App", "the app")
            check.fail(
                "synth", str(self.target), "is called a second time, on an app synthesized already (by app.synth(), "
                "synth(app), Template.from_stack or the end of its `with` block)",
                "one synth per App, as cdktf synthesizes an app once",
                "call app.synth() once, at the end of the program (in a test, make a new App for each synth)",
            )
            raise ValidationError(check.problems)
        self.__dict__["_sigmatiq_finished"] = True
        try:
            problems = self._synthesize(staging)
            if problems:
                raise ValidationError(problems, self.problems.warnings)
            _move_into(staging, self.target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def assemble(self) -> Assembly:
        """Synthesize every stack as `synth()` does (aspects, policy packs, the app's checks)
        and return what came out, without writing anything to `target`: each stack's
        document, every problem and warning. What `sigmatiq_infra.testing` reads; once per
        app (cdktf synthesizes an app once)."""
        staging = Path(self.outdir)
        self.__dict__["_sigmatiq_finished"] = True
        try:
            problems = self._synthesize(staging)
            stacks = {
                path.parent.name: json.loads(path.read_text()) for path in sorted(staging.glob("stacks/*/cdk.tf.json"))
            }
            return Assembly(stacks, tuple(dict.fromkeys(problems)), tuple(self.problems.warnings))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _synthesize(self, staging: Path) -> list[str]:
        """Synthesize into `staging`; every problem found (none: the files are good)."""
        self.problems.run_deferred()
        self.problems.add(self._aspects_never_run())
        try:
            super().synth()  # runs the aspects (policy packs), which may record problems too
        except RuntimeError as error:
            if self.problems.raised:  # a user's rule raised in an aspect: its own error, with its traceback
                raise self.problems.raised[0] from None
            if _ERROR_ANNOTATIONS in str(error):
                self._record_annotations()
                return list(self.problems.problems)
            cycle = CIRCULAR.search(str(error))
            if cycle is not None:
                return [*self.problems.problems, circular_problem(*cycle.groups())]
            foreign = _other_engine_constructs(self)
            if not foreign:
                raise
            return [*self.problems.problems, *foreign]
        self.problems.run_deferred()
        if _annotated(staging):
            self._record_annotations()
        problems = list(self.problems.problems)
        # names in their scope, tag limits, secret inputs passed between stacks
        problems += synth_checks.check_output(staging, self.problems.tags_counted, self.problems.inputs_reported)
        problems += [p for check in self.__dict__["_sigmatiq_checks"] for p in check(staging)]
        return problems

    def _record_annotations(self) -> None:
        """Record what constructs reported with the engine's `Annotations.of(construct)`: an
        `add_error` as a problem (the engine itself stops synth with a traceback at the first
        stack that has one; under `cdktf synth` its CLI refuses it after the files are written),
        an `add_warning` as a warning; so synth lists them, and `sigmatiq_infra.testing`'s
        `Annotations` has them, as AWS CDK's has a construct's annotations."""
        problems: list[str] = []
        warnings: list[str] = []
        for construct in self.node.find_all():
            for entry in construct.node.metadata:
                if entry.type in (_ANNOTATION_ERROR, _ANNOTATION_WARNING):
                    message = f"{type(construct).__name__} '{construct.node.path}': {entry.data}"
                    (problems if entry.type == _ANNOTATION_ERROR else warnings).append(message)
        self.problems.add(problems, warnings)

    def _aspects_never_run(self) -> list[str]:
        """A problem per aspect added to the app itself: cdktf (and CDK Terrain) run each stack's
        aspects from the stack down (`invokeAspects(this.stack)` in its StackSynthesizer), never
        the app's, so one there would tag or check nothing, silently."""
        check = Validator("App", "the app")
        for aspect in _cdktf.Aspects.of(self).all:
            kind = type(aspect).__name__
            check.fail(
                "aspect", kind, "is added to the app, whose aspects cdktf never runs (it runs each stack's, from the "
                "stack down), so it would tag or check nothing", "aspects on a stack, or on a construct in one",
                f"add it to each stack instead: for stack in stacks: Aspects.of(stack).add({kind}(...))",
            )
        return list(check.problems)

    def __enter__(self) -> App:
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, traceback: Any) -> bool:
        if error is None:
            if not self.__dict__["_sigmatiq_finished"]:  # the block may have synthesized it (cdktf's habit): once
                synth(self)
            return False
        self.__dict__["_sigmatiq_finished"] = True
        shutil.rmtree(self.outdir, ignore_errors=True)
        taken = duplicate_id_problem(error)  # an engine's or the bindings' construct under a taken id
        if taken is not None:
            report(ValidationError([*self.problems.problems, taken], self.problems.warnings))
        if isinstance(error, ValidationError):
            report(ValidationError([*self.problems.problems, *error.problems], self.problems.warnings))
        if self.problems.problems and isinstance(error, Exception):  # shown with the bug, not after its fix
            print(format_problems(self.problems.problems), file=sys.stderr)
        return False  # a genuine bug keeps its traceback


_ANNOTATION_ERROR, _ANNOTATION_WARNING = "@cdktf/error", "@cdktf/warn"
"""The metadata types of `Annotations.of(construct).add_error` and `add_warning` (cdktf's
annotations.js; CDK Terrain keeps them)."""
_ERROR_ANNOTATIONS = 'Encountered Annotations with level "ERROR"'
"""How the engine stops synth at a stack with an error annotation (its errors.js)."""


def _annotated(staging: Path) -> bool:
    """Whether a construct reported an error or a warning through the engine's annotations:
    the manifest synth wrote lists them by stack (read, rather than every construct's metadata)."""
    try:
        stacks = json.loads((staging / "manifest.json").read_text()).get("stacks", {})
    except (OSError, ValueError):
        return False
    return any(
        annotation.get("level") in (_ANNOTATION_ERROR, _ANNOTATION_WARNING)
        for stack in stacks.values() for annotation in stack.get("annotations", [])
    )


def _other_engine_constructs(app: App) -> list[str]:
    """A problem per construct of the engine SIGMATIQ_ENGINE does not select, which the selected
    one cannot synthesize: cdktf's `TerraformOutput`, or a resource of its azurerm bindings, in a
    CDK Terrain app stops its synth with jsii's "TypeError: e._resetResolveDiscoveredProvider
    FeatureUsage is not a function" (the CDK Terrain environment has cdktf too). Looked for once
    synth has failed, and only when the program imported the other engine."""
    others = {
        package: engine for engine in ENGINES.values() if engine.name != ENGINE.name
        for package in (engine.runtime, engine.provider)
    }
    if not any(package in sys.modules for package in others):
        return []
    problems: list[str] = []
    foreign: list[str] = []
    for construct in app.node.find_all():
        path = construct.node.path
        # The class, or the engine's class it is made from (a subclass of cdktf's TerraformOutput).
        kind = next((base for base in type(construct).__mro__ if base.__module__.partition(".")[0] in others), None)
        if kind is None or any(path.startswith(f"{outer}/") for outer in foreign):
            continue  # the selected engine's, or inside one reported already
        foreign.append(path)
        package, _, module = kind.__module__.partition(".")
        other = others[package]
        source = (f"{kind.__name__} from sigmatiq_infra.cdk, not from {package}" if package == other.runtime
                  else f"{module.split('.')[0]} from sigmatiq_infra.azurerm, not from {package}")
        check = Validator(type(construct).__name__, path)
        check.fail(
            "class", f"{kind.__module__}.{kind.__qualname__}",
            f"is {other.runtime}'s, and {ENGINE.runtime} (the engine SIGMATIQ_ENGINE selects) cannot synthesize "
            "another engine's constructs",
            f"constructs of {ENGINE.runtime}: its names from sigmatiq_infra.cdk, its azurerm bindings from "
            "sigmatiq_infra.azurerm",
            f"import {source} (or set SIGMATIQ_ENGINE={other.name} to run the app on {other.runtime})",
        )
        problems += check.problems
    return problems


def _check_app_arguments(positional: tuple[Any, ...], options: dict[str, Any]) -> None:
    """Every argument is a keyword cdktf's `App` takes: else one ValidationError (not the
    TypeError that cdktf's own, or Python's, would be)."""
    takes = ["outdir", *(name for name in inspect.signature(_cdktf.App.__init__).parameters if name != "self")]
    takes = list(dict.fromkeys(takes))
    check = Validator("App", "arguments")
    if positional:
        check.fail(
            "arguments", list(positional), "are given by position", f"keywords: {', '.join(takes)}",
            f"write App(outdir={positional[0]!r})" if len(positional) == 1 and isinstance(positional[0], str)
            else "give each by keyword, e.g. App(outdir='cdktf.out')",
        )
    for name, value in options.items():
        if name not in takes:
            close = difflib.get_close_matches(name, takes, n=1)
            check.fail(
                "keyword", name, "is not one App takes" + (f" (did you mean {close[0]!r}?)" if close else ""),
                ", ".join(takes), f"write {close[0]}=<value> instead" if close else f"remove {name}=<value>",
            )
        else:  # cdktf's own check would be a TypeError traceback
            check.value_type(name, value, Mapping[str, Any] | None if name == "context" else bool | None)
    # The library's checks at synth (names in their scope, tag limits, ...) and its commands read
    # the stacks as JSON (cdk.tf.json): with HCL (cdk.tf) they would find no stack, and pass. cdktf's
    # App writes HCL when SYNTH_HCL_OUTPUT is "true" (`cdktf synth --hcl` sets it; the CLI sets it to
    # "false" otherwise), else when hcl_output is (node_modules/cdktf/lib/app.js).
    hcl = os.environ.get("SYNTH_HCL_OUTPUT")
    problem = (
        "writes the stacks as HCL (cdk.tf), where the library's checks at synth and its commands read JSON "
        "(cdk.tf.json): the checks would find no stack and pass"
    )
    if hcl is None:
        check.require(
            options.get("hcl_output") is not True, "hcl_output", True, problem, "hcl_output left out (JSON stacks)",
            "leave hcl_output out",
        )
    else:
        check.require(
            hcl != "true", "SYNTH_HCL_OUTPUT", hcl, problem + " (cdktf synth --hcl sets it)", "JSON stacks",
            "run cdktf synth without --hcl",
        )
        # cdktf's (and CDK Terrain's) App reads only "true", each stack "true" or "1"
        # (lib/terraform-stack.js): "1" writes HCL under the JSON file's name, which nothing can read.
        check.require(
            hcl != "1", "SYNTH_HCL_OUTPUT", hcl,
            "makes the stacks write HCL into cdk.tf.json (cdktf's stacks take '1' for 'true', its App does not), "
            "where the library's checks at synth, its commands and Terraform read JSON",
            "SYNTH_HCL_OUTPUT unset or false (JSON stacks)", "unset SYNTH_HCL_OUTPUT",
        )
    check.done()


def _check_outdir_type(outdir: Any) -> None:
    """`outdir` is a folder's path (text or a `Path`), or None: else one ValidationError."""
    if outdir is None or isinstance(outdir, (str, os.PathLike)):
        return
    check = Validator("App", "outdir")
    check.type_problem(
        "outdir", outdir, f"has the type {type(outdir).__name__}", "a folder's path (str or pathlib.Path), or None "
        "for CDKTF_OUTDIR or cdktf.out", "write the folder as text, e.g. outdir='cdktf.out'",
    )
    check.done()


def _check_outdir(target: Path, setting: str) -> None:
    """The output folder can be made (its parent is created now): else one ValidationError."""
    check = Validator("App", setting)
    if target.exists() and not target.is_dir():
        check.fail(
            "folder", str(target), "is a file", "a folder, made if it does not exist",
            f"point {setting} at a folder, or move the file away",
        )
    else:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as problem:
            check.fail(
                "folder", str(target), f"cannot be made ({problem.strerror or problem})",
                "a folder this process can write, made if it does not exist",
                f"point {setting} at a writable place, e.g. cdktf.out in the project",
            )
    check.done()


_MADE: weakref.WeakSet[App] = weakref.WeakSet()
"""Every `App` of this process, so the launcher can tell one that was never synthesized."""


def unfinished() -> list[App]:
    """The apps of this process that were neither synthesized nor assembled (nor ended a
    `with` block): a program that forgot `app.synth()`; what they recorded was never shown."""
    return [app for app in list(_MADE) if not app.__dict__.get("_sigmatiq_finished")]


def synth(app: App) -> None:
    """Synthesize `app`; on bad input print every problem as one numbered list on stderr,
    write nothing and exit with status 1. Warnings are printed either way."""
    try:
        app.synth()
    except ValidationError as error:
        report(error)
    print_warnings(app.problems.warnings)


def report(error: ValidationError) -> None:
    """Print `error` as the numbered list and exit with status 1."""
    print_warnings(error.warnings)
    print(format_problems(error.problems), file=sys.stderr)
    raise SystemExit(1)


def print_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        print(f"sigmatiq-infra: warning: {warning}", file=sys.stderr)


def _move_into(staging: Path, outdir: Path) -> None:
    for source in sorted(staging.rglob("*")):
        if source.is_file():
            target = outdir / source.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
