"""mutation/run.py, the sampled mutation run: its operators, its sample, its verdicts."""

import ast
import importlib.util
import io
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("mutation_run", ROOT / "mutation" / "run.py")
mutation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutation)

SOURCE = textwrap.dedent('''\
    """A module docstring, never mutated: 1 == 2."""

    LIMIT: int = 3  # an annotation is not mutated either


    def f(a, b, flag=True):
        """A docstring."""
        total = a + b * 2.5
        total -= 1
        if a == b and not flag:
            raise ValueError(f"a={a + 1} equals b")
        label = "x" + "y"
        while total < LIMIT:
            total += 1
        print(total)
        return [x for x in (a, b) if x >= 0] if flag else total is None
''')


def _mutants():
    return mutation.find_mutants(SOURCE, "pkg/f.py")


def test_every_mutant_is_valid_python_that_differs_from_the_original():
    original = ast.dump(ast.parse(SOURCE))
    mutants = _mutants()
    assert len({(m.start, m.end, m.replacement) for m in mutants}) == len(mutants)
    for mutant in mutants:
        mutated = mutant.apply(SOURCE)
        assert ast.dump(ast.parse(mutated)) != original, mutant.describe()
        # Only the changed span differs: the rest keeps its layout and comments.
        assert mutated.count("\n") <= SOURCE.count("\n")
        assert "# an annotation is not mutated either" in mutated


def test_each_operator_makes_the_changes_it_names():
    changes = {(m.operator, m.before, m.after) for m in _mutants()}
    expected = [
        ("comparison", "if a == b and not flag:", "if a != b and not flag:"),
        ("comparison", "while total < LIMIT:", "while total <= LIMIT:"),
        ("comparison", "return [x for x in (a, b) if x >= 0] if flag else total is None",
         "return [x for x in (a, b) if x > 0] if flag else total is None"),
        ("comparison", "return [x for x in (a, b) if x >= 0] if flag else total is None",
         "return [x for x in (a, b) if x >= 0] if flag else total is not None"),
        ("boolean", "if a == b and not flag:", "if a == b or not flag:"),
        ("negation", "if a == b and not flag:", "if not (a == b and not flag):"),
        ("negation", "while total < LIMIT:", "while not (total < LIMIT):"),
        ("negation", "return [x for x in (a, b) if x >= 0] if flag else total is None",
         "return [x for x in (a, b) if not (x >= 0)] if flag else total is None"),
        ("arithmetic", "total = a + b * 2.5", "total = a - b * 2.5"),
        ("arithmetic", "total = a + b * 2.5", "total = a + b / 2.5"),
        ("arithmetic", "total -= 1", "total += 1"),
        ("constant", "total = a + b * 2.5", "total = a + b * 5.0"),
        ("constant", "total -= 1", "total -= 2"),
        ("constant", "def f(a, b, flag=True):", "def f(a, b, flag=False):"),
        ("deletion", "total -= 1", "pass"),
        ("deletion", "print(total)", "pass"),
        ("deletion", 'raise ValueError(f"a={a + 1} equals b")', "pass"),
        ("return", "return [x for x in (a, b) if x >= 0] if flag else total is None",
         "return None"),
    ]
    for change in expected:
        assert change in changes, change


def test_docstrings_annotations_text_and_f_strings_are_left_alone():
    for mutant in _mutants():
        assert mutant.line not in (1, 7), mutant.describe()
        if mutant.line == 3:  # the value may change, never the annotation
            assert mutant.after.split("#")[0] in ("LIMIT: int = 4 ", "pass "), mutant.after
        # "x" + "y" joins text, and {a + 1} is inside an f-string.
        assert mutant.after != 'label = "x" - "y"'
        assert "a={a - 1}" not in mutant.after and "a={a + 2}" not in mutant.after


def test_a_negated_condition_loses_its_not_rather_than_gaining_another():
    [mutant] = [m for m in mutation.find_mutants("if not x:\n    y = 1\n", "m.py")
                if m.operator == "negation"]
    assert mutant.after == "if x:"


def _files(sizes, per_file=40):
    """Fake mutants for files of the given numbers of statements."""
    return {path: [mutation.Mutant(path, line, "constant", line, line + 1, "0", "", "")
                   for line in range(1, per_file + 1)] for path in sizes}


def test_the_sample_is_shared_in_proportion_to_file_size():
    sizes = {"a.py": 100, "b.py": 300, "c.py": 0, "d.py": 200}
    sample = mutation.draw_sample(_files(sizes), sizes, 12, seed=0)
    counts = {path: sum(m.path == path for m in sample) for path in sizes}
    assert counts == {"a.py": 2, "b.py": 6, "c.py": 0, "d.py": 4}


def test_a_file_with_few_mutants_passes_its_share_on():
    sizes = {"a.py": 100, "b.py": 100}
    mutants = _files(sizes)
    mutants["a.py"] = mutants["a.py"][:2]
    share = mutation.quotas(sizes, {p: len(m) for p, m in mutants.items()}, 10)
    assert share == {"a.py": 2, "b.py": 8}
    assert mutation.quotas(sizes, {"a.py": 2, "b.py": 40}, 1000) == {"a.py": 2, "b.py": 40}


def test_the_sample_is_seeded():
    sizes = {"a.py": 1, "b.py": 1}
    draw = lambda seed: mutation.draw_sample(_files(sizes), sizes, 10, seed)  # noqa: E731
    assert draw(3) == draw(3)
    assert draw(3) != draw(4)
    # A file's sample does not depend on the other files chosen.
    alone = mutation.draw_sample(_files({"a.py": 1}), {"a.py": 1}, 5, 3)
    assert [m for m in draw(3) if m.path == "a.py"] == alone


TOY = {
    "toy/__init__.py": '''\
        def add(a, b):
            return a + b


        def is_small(x):
            return x < 10


        def countdown(n):
            while n > 0:
                n -= 1
            return n


        def unused(x):
            return -x
        ''',
    # A weak suite: add is checked, is_small is called but its answer is not.
    "tests/test_toy.py": '''\
        from toy import add, countdown, is_small


        def test_add():
            assert add(2, 3) == 5


        def test_is_small_runs():
            is_small(3)


        def test_countdown():
            assert countdown(3) == 0
        ''',
}


def _toy(tmp_path, changes):
    """The toy package and its tests in ``tmp_path``, and its mutants making ``changes``."""
    for name, text in TOY.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    source = (tmp_path / "toy/__init__.py").read_text()
    by_change = {m.after: m for m in mutation.find_mutants(source, "toy/__init__.py")}
    return source, [by_change[change] for change in changes]


def test_a_weak_suite_lets_mutants_survive(tmp_path):
    source, chosen = _toy(tmp_path, ["return a - b", "return x <= 10", "return None"])
    out = io.StringIO()
    results = mutation.run(chosen, root=tmp_path, timeout=600, out=out)
    assert [r.status for r in results] == ["killed", "survived", "survived"]
    # unused() runs in no test: its mutant survives without a run of the tests.
    assert [r.note for r in results] == ["", "", "no test runs this line"]
    assert [r.killed_by for r in results] == ["tests/test_toy.py::test_add", "", ""]
    assert (tmp_path / "toy/__init__.py").read_text() == source  # never touched

    report = io.StringIO()
    mutation.report(results, out=report)
    text = report.getvalue()
    assert "toy/__init__.py        3       1        0         2   33.3%" in text
    assert "2 surviving mutant(s):" in text
    assert "toy/__init__.py:6: [comparison] return x < 10  ->  return x <= 10\n" in text
    assert "toy/__init__.py:16: [return] return -x  ->  return None  (no test runs this line)" \
        in text


def test_a_mutant_that_hangs_is_killed_by_the_timeout(tmp_path):
    _, chosen = _toy(tmp_path, ["n += 1"])  # countdown(3) never ends
    [result] = mutation.run(chosen, root=tmp_path, timeout=1, out=io.StringIO())
    assert result.status == "timeout"


def test_a_suite_failing_on_the_unmutated_code_stops_the_run(tmp_path):
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy/__init__.py").write_text("def one():\n    return 2\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_toy.py").write_text(
        "from toy import one\n\n\ndef test_one():\n    assert one() == 1\n")
    [mutant] = [m for m in mutation.find_mutants("def one():\n    return 2\n", "toy/__init__.py")
                if m.operator == "constant"]
    with pytest.raises(SystemExit, match="fails .* on the unmutated code"):
        mutation.run([mutant], root=tmp_path, timeout=5, out=io.StringIO())
