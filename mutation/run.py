"""Sampled mutation testing: how much of the package's behaviour do the tests pin?

Each mutant is the package with one small change (``==`` made ``!=``, a
condition negated, a constant changed, a statement deleted...). The test suite
should fail on it: the mutant is *killed*. A mutant the suite passes
*survives*: the tests do not notice that change of behaviour, or the change
does not change behaviour at all (an *equivalent* mutant).

Testing every mutant of the package would take hours, so a seeded random
sample is drawn, stratified by file size: each file gets a share of the
sample in proportion to its number of statements. ::

    python mutation/run.py --sample 120 --seed 0           # the whole package
    python mutation/run.py --files sk_ann/_base.py --sample 30
    python mutation/run.py --sample 120 --seed 0 --list    # the sample, without running it

The suite runs once on the unmutated code, recording which lines each test
runs (mutation/trace_lines.py). Each mutant then runs in a temporary copy of
the repository, never in the working tree, with ``pytest -x`` on the tests
that run its lines, those of files naming the mutated module first. A mutant
whose run exceeds ``--timeout`` counts as killed by the timeout. Not part of the test suite
(a run takes tens of minutes); ``make mutation`` starts one. See
docs/contributing.rst for how to read the report.
"""

import argparse
import ast
import functools
import json
import math
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = "sk_ann"
# Left out of the copy the tests run in: environments, caches and build output.
NOT_COPIED = (".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".hypothesis",
              "*.egg-info", "build", "dist", "_build", "auto_examples", "generated")
# This tool's own tests run toy mutation runs: they cannot kill a mutant of the package.
OWN_TESTS = ("tests/test_mutation_tool.py",)
# The slowest parts of the suite run last, so that a mutant that some faster
# test kills is not kept waiting for them.
RUN_LAST = ("tests/test_distributed.py", "tests/test_fuzz.py")
DOC_PAGES = "docs"
IMPORT = "<import>"  # what mutation/trace_lines.py records lines run outside any test under


# --- mutants ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """One change to one file: the bytes ``start:end`` of its source become ``replacement``."""

    path: str  # relative to the repository, with forward slashes
    line: int
    operator: str
    start: int
    end: int
    replacement: str
    before: str  # the changed line(s), as they were
    after: str  # and as they are in the mutant
    # From the first line of the statement holding the change to the last line
    # changed: a test that runs none of them cannot tell the mutant apart.
    lines: tuple = ()

    def apply(self, source):
        data = source.encode()
        return (data[:self.start] + self.replacement.encode() + data[self.end:]).decode()

    def describe(self):
        return f"{self.path}:{self.line}: [{self.operator}] {self.before}  ->  {self.after}"


COMPARISONS = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt,
               ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
               ast.In: ast.NotIn, ast.NotIn: ast.In}
COMPARISON_TOKENS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
                     ast.GtE: ">=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
                     ast.NotIn: "not in"}
ARITHMETIC = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
              ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult}
ARITHMETIC_TOKENS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
                     ast.Mod: "%", ast.Pow: "**"}
BOOLEAN_TOKENS = {ast.And: "and", ast.Or: "or"}


class _Finder:
    """Walks a module's syntax tree and lists the mutants of its source."""

    def __init__(self, source, path):
        self.source, self.path = source, path
        self.data = source.encode()
        self.line_starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.tree = ast.parse(source)
        self.skipped = self._skipped_nodes()
        self.mutants = []

    def _offset(self, line, col):
        return self.line_starts[line - 1] + col

    def _span(self, node):
        return (self._offset(node.lineno, node.col_offset),
                self._offset(node.end_lineno, node.end_col_offset))

    def _text(self, start, end):
        return self.data[start:end].decode()

    def _skipped_nodes(self):
        """Docstrings, annotations and f-strings: nothing there changes what the code does,
        or a change there could not be written back into the source faithfully."""
        skipped = set()
        for node in ast.walk(self.tree):
            body = getattr(node, "body", None)
            if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                skipped.add(id(body[0]))
            annotations = [getattr(node, "annotation", None), getattr(node, "returns", None)]
            if isinstance(node, ast.JoinedStr):
                annotations.append(node)
            for annotation in annotations:
                if annotation is not None:
                    skipped.update(id(sub) for sub in ast.walk(annotation))
        return skipped

    def find(self):
        self._visit(self.tree, None)
        return sorted(self.mutants, key=lambda m: (m.start, m.end, m.operator, m.replacement))

    def _visit(self, node, statement):
        if isinstance(node, ast.stmt):
            statement = node
        if id(node) not in self.skipped:
            self.statement = statement
            self._mutate(node)
        for child in ast.iter_child_nodes(node):
            self._visit(child, statement)

    def _mutate(self, node):
        if isinstance(node, ast.Compare):
            self._comparison(node)
        elif isinstance(node, ast.BinOp):
            self._arithmetic(node)
        elif isinstance(node, ast.BoolOp):
            self._boolean(node)
        elif isinstance(node, ast.AugAssign):
            self._augmented(node)
        elif isinstance(node, ast.Constant):
            self._constant(node)
        if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            self._negation(node.test)
        elif isinstance(node, ast.comprehension):
            for condition in node.ifs:
                self._negation(condition)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Raise)):
            self._deletion(node)
        elif isinstance(node, ast.Return):
            self._return(node)

    # Operators are replaced where they stand, between their operands, so that the
    # rest of the source keeps its layout and comments.

    def _operator_between(self, left, right, token, new_token, operator):
        start, end = self._span(left)[1], self._span(right)[0]
        gap = self._text(start, end)
        pattern = r"(?<![\w=!<>*/%+-])" + re.escape(token).replace(r"\ ", r"\s+") + \
            r"(?![\w=*/])"
        match = re.search(pattern, gap)
        if match is not None:
            self._add(start + match.start(), start + match.end(), new_token, operator)

    def _comparison(self, node):
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            new = COMPARISONS[type(op)]
            self._operator_between(operands[i], operands[i + 1], COMPARISON_TOKENS[type(op)],
                                   COMPARISON_TOKENS[new], "comparison")

    def _arithmetic(self, node):
        new = ARITHMETIC.get(type(node.op))
        if new is None or _builds_text(node.left) or _builds_text(node.right):
            return
        self._operator_between(node.left, node.right, ARITHMETIC_TOKENS[type(node.op)],
                               ARITHMETIC_TOKENS[new], "arithmetic")

    def _boolean(self, node):
        token = BOOLEAN_TOKENS[type(node.op)]
        new = "or" if token == "and" else "and"
        for left, right in zip(node.values, node.values[1:]):
            self._operator_between(left, right, token, new, "boolean")

    def _augmented(self, node):
        new = ARITHMETIC.get(type(node.op))
        if new is None or _builds_text(node.value):
            return
        self._operator_between(node.target, node.value, ARITHMETIC_TOKENS[type(node.op)] + "=",
                               ARITHMETIC_TOKENS[new] + "=", "arithmetic")

    def _constant(self, node):
        value = node.value
        if isinstance(value, bool):
            new = repr(not value)
        elif isinstance(value, int):
            new = repr(value + 1)
        elif isinstance(value, float) and math.isfinite(value):
            new = repr(value * 2) if value else "1.0"
        else:
            return
        self._add(*self._span(node), new, "constant")

    def _negation(self, test):
        start, end = self._span(test)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            self._add(start, end, self._text(*self._span(test.operand)), "negation")
        else:
            self._add(start, end, f"not ({self._text(start, end)})", "negation")

    def _deletion(self, node):
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return
        self._add(*self._span(node), "pass", "deletion")

    def _return(self, node):
        if node.value is None or (isinstance(node.value, ast.Constant)
                                  and node.value.value is None):
            return
        self._add(*self._span(node.value), "None", "return")

    def _add(self, start, end, replacement, operator):
        line = self.data.count(b"\n", 0, start) + 1
        first = self.line_starts[line - 1]
        last_line = line + self._text(start, end).count("\n")
        last = self.line_starts[last_line] if last_line < len(self.line_starts) else len(self.data)
        before = self._text(first, last)
        after = (self.data[first:start] + replacement.encode() + self.data[end:last]).decode()
        self.mutants.append(Mutant(self.path, line, operator, start, end, replacement,
                                   _one_line(before), _one_line(after),
                                   (self.statement.lineno, last_line)))


def _builds_text(node):
    """Whether ``node`` is text, whose ``+`` or ``%`` joins or formats rather than computes."""
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                               and isinstance(node.value, (str, bytes)))


def _one_line(text, limit=110):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def find_mutants(source, path, checked=True):
    """Every mutant of ``source`` (a module's text), as a list of :class:`Mutant`.

    ``checked=False`` leaves out the check that each is valid Python and a
    different program (see :func:`is_real`), which takes a parse of the module
    per mutant: :func:`draw_sample` makes it on the mutants it draws.
    """
    mutants = _Finder(source, path).find()
    return [m for m in mutants if is_real(m, source)] if checked else mutants


def is_real(mutant, source):
    """Whether ``mutant`` is valid Python whose syntax tree differs from that of ``source``."""
    try:
        mutated = _syntax(mutant.apply(source))
    except SyntaxError:
        return False  # cannot happen for the operators above; never run such a mutant
    # A change of layout alone would be the same program written differently.
    return mutated != _syntax(source)


@functools.lru_cache(maxsize=8)
def _syntax(source):
    return ast.dump(ast.parse(source))


def count_statements(source):
    """The size of a module: its statements, docstrings left out."""
    finder = _Finder(source, "")
    return sum(isinstance(node, ast.stmt) and id(node) not in finder.skipped
               for node in ast.walk(finder.tree))


# --- the sample ----------------------------------------------------------------------------


def quotas(sizes, available, n):
    """Share ``n`` among files in proportion to ``sizes``, at most ``available[f]`` each.

    Largest remainders, so that the shares add up to ``n`` (or to every mutant
    there is); a file that cannot take its share passes the rest to the others.
    """
    share = {path: 0 for path in sizes}
    open_files = [path for path in sizes if available[path] > 0 and sizes[path] > 0]
    left = min(n, sum(available[path] for path in open_files))
    while left > 0 and open_files:
        total = sum(sizes[path] for path in open_files)
        exact = {path: left * sizes[path] / total for path in open_files}
        given = {path: min(int(exact[path]), available[path] - share[path])
                 for path in open_files}
        rest = left - sum(given.values())
        by_remainder = sorted(open_files, key=lambda p: (-(exact[p] - int(exact[p])), p))
        for path in by_remainder:
            if rest == 0:
                break
            if given[path] < available[path] - share[path]:
                given[path] += 1
                rest -= 1
        for path in open_files:
            share[path] += given[path]
        left -= sum(given.values())
        open_files = [path for path in open_files if share[path] < available[path]]
    return share


def draw_sample(mutants_by_file, sizes, n, seed, sources=None):
    """A seeded sample of ``n`` mutants, stratified by file size; sorted by file and line.

    With ``sources`` (path: text), a drawn mutant that :func:`is_real` refuses is
    replaced by another of the same file.
    """
    share = quotas(sizes, {path: len(m) for path, m in mutants_by_file.items()}, n)
    sample = []
    for path in sorted(mutants_by_file):
        # One generator per file and seed: the sample of a file does not depend on
        # which other files were chosen.
        rng = random.Random(f"{seed}:{path}")
        drawn = rng.sample(mutants_by_file[path], share[path])
        if sources is not None:
            left = [m for m in mutants_by_file[path] if m not in drawn]
            drawn = [m for m in drawn if is_real(m, sources[path])]
            while len(drawn) < share[path] and left:
                candidate = left.pop(rng.randrange(len(left)))
                if is_real(candidate, sources[path]):
                    drawn.append(candidate)
        sample += sorted(drawn, key=lambda m: (m.line, m.start, m.operator, m.replacement))
    return sample


def package_files(root, files):
    """The ``.py`` files named, directories expanded, relative to ``root``."""
    found = []
    for name in files:
        path = (root / name).resolve()
        if path.is_dir():
            found += sorted(path.rglob("*.py"))
        elif path.suffix == ".py" and path.is_file():
            found.append(path)
        else:
            raise SystemExit(f"--files: {name} is neither a .py file nor a folder under {root}")
    return sorted({p.relative_to(root).as_posix() for p in found})


# --- running the tests ---------------------------------------------------------------------


@dataclass
class Result:
    mutant: Mutant
    status: str  # "killed", "timeout" or "survived"
    seconds: float
    note: str = ""
    killed_by: str = ""  # the first test that failed


class Workspace:
    """A copy of the repository that mutants are written into, one at a time."""

    def __init__(self, root, python, timeout):
        self.root = root
        self.dir = Path(tempfile.mkdtemp(prefix="mutation-")).resolve()
        shutil.copytree(root, self.dir, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(*NOT_COPIED))
        self.python, self.timeout = python, timeout
        # Mutants are written in place of the originals within the same second and
        # often with the same size: bytecode caches, stamped with both, would go stale.
        self.env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg",
                        PYTHONPATH=os.pathsep.join(
                            [str(self.dir), *filter(None, [os.environ.get("PYTHONPATH")])]))
        self.lines_run = None  # {test id: {"path:line", ...}} once traced
        self.process = None  # the pytest running now

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def suite(self):
        """The whole suite as pytest arguments, the slowest parts last."""
        tests = sorted(p.relative_to(self.dir).as_posix()
                       for p in (self.dir / "tests").glob("test_*.py")
                       if p.relative_to(self.dir).as_posix() not in OWN_TESTS)
        files = [t for t in tests if t not in RUN_LAST] + [t for t in RUN_LAST if t in tests]
        return files + [name for name in (PACKAGE, DOC_PAGES) if (self.dir / name).is_dir()]

    def trace(self, packages, deadline):
        """Run the suite on the unmutated code, recording the lines each test file runs."""
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "lines.json"
            env = dict(self.env, MUTATION_TRACE_OUT=str(out),
                       MUTATION_TRACE_PACKAGE=os.pathsep.join(
                           str(self.dir / name) for name in packages),
                       PYTHONPATH=os.pathsep.join([str(HERE), self.env["PYTHONPATH"]]))
            status = self._pytest(["-p", "trace_lines", *self.suite()], deadline, env)
            if status == "survived":
                self.lines_run = {key: set(lines)
                                  for key, lines in json.loads(out.read_text()).items()}
        return status

    def stages(self, mutant):
        """The pytest arguments of each stage of ``mutant``'s run; none if no test runs it."""
        changed = {f"{mutant.path}:{n}" for n in range(mutant.lines[0], mutant.lines[1] + 1)}
        naming = [mutant.path] + [t for t in self.suite()
                                  if t.endswith(".py") and _names(self.dir, t, mutant.path)]
        if self.lines_run is None or changed & self.lines_run[IMPORT]:
            # Run at import: any test may see the change. Those naming the module first.
            rest = [t for t in self.suite() if t not in naming]
            return [naming, rest + [f"--ignore={mutant.path}"]]
        # The tests that run the line, those of files naming the module first, the
        # rest in the order of the suite (which puts the slowest last).
        running = [t for t, lines in self.lines_run.items() if t != IMPORT and changed & lines]
        first = [t for t in running if t.split("::")[0] in naming]
        return [first + [t for t in running if t not in first]] if running else []

    def stop(self):
        """Stop the tests running now, if any (their mutant gets no verdict)."""
        process = self.process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)

    def _pytest(self, args, deadline, env=None):
        """The verdict of ``pytest -x args``; ``self.failed`` is the test that failed, if any."""
        command = [self.python, "-m", "pytest", "-x", "-q", "-rfE", "-p", "no:cacheprovider",
                   *args]
        self.failed = ""
        with tempfile.TemporaryFile() as output:
            self.process = process = subprocess.Popen(
                command, cwd=self.dir, env=env or self.env, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True)
            try:
                code = process.wait(timeout=max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                # The whole process group: pytest and whatever it started.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return "timeout"
            output.seek(0)
            failed = re.search(rb"^(?:FAILED|ERROR) (\S+)", output.read(), re.MULTILINE)
        if failed is not None:
            self.failed = failed.group(1).decode(errors="replace")
        if code == 4:  # a usage error, such as a test id not found
            return "unknown test"
        return "survived" if code in (0, 5) else "killed"  # 5: no test collected

    def run(self, mutant):
        """The :class:`Result` of the tests on ``mutant``."""
        target = self.dir / mutant.path
        original = target.read_text(encoding="utf-8")
        start = time.monotonic()
        stages = self.stages(mutant)
        status = "survived"
        try:
            target.write_text(mutant.apply(original), encoding="utf-8")
            for stage in stages:
                status = self._pytest(stage, start + self.timeout)
                if status == "unknown test":
                    # A test id pytest cannot select again: run the files it is in.
                    files = list(dict.fromkeys(t.split("::")[0] for t in stage))
                    status = self._pytest(files, start + self.timeout)
                if status != "survived":
                    break
        finally:
            target.write_text(original, encoding="utf-8")
        note = "" if stages else "no test runs this line"
        killed_by = self.failed if stages and status == "killed" else ""
        return Result(mutant, status, time.monotonic() - start, note, killed_by)


def _names(root, test_file, path):
    """Whether ``test_file`` names the module at ``path`` (imports it or is named after it)."""
    module = path[:-3].replace("/", ".")
    if module.endswith(".__init__"):
        module = module[:-len(".__init__")]
    parent, _, stem = module.rpartition(".")
    if Path(test_file).stem == f"test_{stem}":
        return True
    text = (root / test_file).read_text(encoding="utf-8")
    return module in text or re.search(
        rf"from {re.escape(parent)} import [^\n]*\b{re.escape(stem)}\b", text) is not None


# --- the run -------------------------------------------------------------------------------


def run(sample, root=ROOT, python=sys.executable, timeout=None, jobs=1, out=sys.stdout):
    """Run the suite on every mutant of ``sample``; return the list of :class:`Result`."""
    workspaces = [Workspace(root, python, timeout) for _ in range(max(1, jobs))]
    try:
        start = time.monotonic()
        print("Running the tests on the unmutated code, recording the lines each test file "
              "runs...", file=out, flush=True)
        packages = sorted({mutant.path.split("/")[0] for mutant in sample})
        # The unmutated run gets all the time it needs, short of hanging forever.
        status = workspaces[0].trace(packages, start + 4 * 3600)
        baseline = time.monotonic() - start
        if status != "survived":
            raise SystemExit("The test suite fails (or times out) on the unmutated code: fix "
                             "it first, or a mutation run means nothing.")
        if timeout is None:
            timeout = 3 * baseline + 60
        for workspace in workspaces:
            workspace.timeout = timeout
            workspace.lines_run = workspaces[0].lines_run
        print(f"  passed in {baseline:.0f} s; a mutant gets {timeout:.0f} s at most.\n",
              file=out, flush=True)
        return _run_all(sample, workspaces, out)
    finally:
        for workspace in workspaces:
            workspace.stop()
            workspace.remove()


def _run_all(sample, workspaces, out):
    """The results of the mutants tested; all of them unless interrupted (Ctrl-C)."""
    todo = queue.Queue()
    # In random order, so that the mutants tested before an interruption are a
    # random part of the sample rather than its first files.
    for i in random.Random(len(sample)).sample(range(len(sample)), len(sample)):
        todo.put((i, sample[i]))
    results = [None] * len(sample)
    lock = threading.Lock()
    stop = threading.Event()

    def work(workspace):
        while not stop.is_set():
            try:
                i, mutant = todo.get_nowait()
            except queue.Empty:
                return
            result = workspace.run(mutant)
            with lock:
                if stop.is_set():
                    return  # its tests were stopped halfway: no verdict
                results[i] = result
                done = sum(r is not None for r in results)
                note = f"  ({result.note})" if result.note else ""
                print(f"[{done:>{len(str(len(sample)))}}/{len(sample)}] "
                      f"{result.status:<8} {result.seconds:6.1f} s  {mutant.describe()}{note}",
                      file=out, flush=True)

    threads = [threading.Thread(target=work, args=(w,)) for w in workspaces]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    except KeyboardInterrupt:
        with lock:
            stop.set()
        for workspace in workspaces:
            workspace.stop()
        for thread in threads:
            thread.join()
        print(f"\nInterrupted: the report covers the {sum(r is not None for r in results)} "
              "mutants tested so far.", file=out, flush=True)
    return [r for r in results if r is not None]


def score_table(results):
    """Rows ``(file, mutants, killed, timeout, survived, score)``, then a row for all files."""
    rows = []
    by_file = {}
    for result in results:
        by_file.setdefault(result.mutant.path, []).append(result.status)
    for path in sorted(by_file) + [None]:
        statuses = [r.status for r in results] if path is None else by_file[path]
        killed, timeout = statuses.count("killed"), statuses.count("timeout")
        survived = statuses.count("survived")
        score = (killed + timeout) / len(statuses) if statuses else math.nan
        rows.append((path or "all files", len(statuses), killed, timeout, survived, score))
    return rows


def report(results, out=sys.stdout):
    rows = score_table(results)
    width = max(len(row[0]) for row in rows)
    print(f"\n{'file':<{width}}  mutants  killed  timeout  survived   score", file=out)
    for i, (path, n, killed, timeout, survived, score) in enumerate(rows):
        if i == len(rows) - 1:
            print("-" * (width + 46), file=out)
        print(f"{path:<{width}}  {n:>7}  {killed:>6}  {timeout:>7}  {survived:>8}  "
              f"{score:>6.1%}", file=out)
    survivors = [r for r in results if r.status == "survived"]
    print(f"\n{len(survivors)} surviving mutant(s):" if survivors else "\nNo mutant survived.",
          file=out)
    for result in survivors:
        note = f"  ({result.note})" if result.note else ""
        print(f"  {result.mutant.describe()}{note}", file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Sampled mutation testing of the package (see docs/contributing.rst).")
    parser.add_argument("--files", nargs="+", default=[PACKAGE],
                        help=f"files or folders to mutate (default: {PACKAGE})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample (default: 0)")
    parser.add_argument("--sample", type=int, default=120,
                        help="number of mutants, shared among the files in proportion to "
                             "their size (default: 120; more than there are: all of them)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds a mutant's tests may take before it counts as killed by "
                             "the timeout (default: 3 times the unmutated run, plus 60)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="mutants tested at once, each in its own copy (default: 1)")
    parser.add_argument("--list", action="store_true",
                        help="print the sample and stop, without running any test")
    parser.add_argument("--json", type=Path, default=None,
                        help="also write the results to this file")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    root = args.root.resolve()
    files = package_files(root, args.files)
    mutants, sizes, sources = {}, {}, {}
    for path in files:
        sources[path] = (root / path).read_text(encoding="utf-8")
        mutants[path] = find_mutants(sources[path], path, checked=False)
        sizes[path] = count_statements(sources[path])
    sample = draw_sample(mutants, sizes, args.sample, args.seed, sources)
    print(f"{len(sample)} of {sum(map(len, mutants.values()))} mutants of {len(files)} "
          f"file(s), seed {args.seed}.", flush=True)
    if args.list:
        for mutant in sample:
            print(f"  {mutant.describe()}")
        return 0
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the run as Ctrl-C does
    try:
        results = run(sample, root, timeout=args.timeout, jobs=args.jobs)
    except KeyboardInterrupt:
        print("Interrupted before any mutant was tested.")
        return 130
    report(results)
    if args.json is not None:
        args.json.write_text(json.dumps({
            "seed": args.seed, "sample": args.sample, "files": args.files,
            "table": [dict(zip(("file", "mutants", "killed", "timeout", "survived", "score"),
                               row)) for row in score_table(results)],
            "results": [dict(asdict(r.mutant), status=r.status, note=r.note,
                             killed_by=r.killed_by, seconds=round(r.seconds, 1))
                        for r in results],
        }, indent=1) + "\n")
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
