"""A pytest plugin recording which lines of the package each test runs.

mutation/run.py loads it (``-p trace_lines``) into the run of the suite on the
unmutated code, then runs, for each mutant, only the tests that run the
mutated line. Lines run outside any test, at import or collection, are
recorded under ``"<import>"``: a mutant there may change any test. Code that
tests run in other processes (workers, subprocesses) is not seen.

``MUTATION_TRACE_PACKAGE`` names the folders to watch and ``MUTATION_TRACE_OUT``
the JSON file written at the end: ``{test id: ["path:line", ...]}`` in the
order the tests ran, paths relative to the folder the suite runs in.
"""

import json
import os
import sys
import threading

import pytest

IMPORT = "<import>"


class _Tracer:
    def __init__(self, root, package_dirs):
        self.root = root
        self.prefix = tuple(package_dir + os.sep for package_dir in package_dirs)
        self.lines = {IMPORT: set()}
        self.current = self.lines[IMPORT]

    def on_call(self, frame, event, arg):
        # Only frames of the package get a line tracer: the rest runs at full speed.
        if frame.f_code.co_filename.startswith(self.prefix):
            return self.on_line
        return None

    def on_line(self, frame, event, arg):
        if event == "line":
            self.current.add((frame.f_code.co_filename, frame.f_lineno))
        return self.on_line

    def start(self):
        threading.settrace(self.on_call)
        sys.settrace(self.on_call)

    def stop(self):
        sys.settrace(None)
        threading.settrace(None)

    def as_json(self):
        return {key: sorted(f"{os.path.relpath(path, self.root)}:{line}".replace(os.sep, "/")
                            for path, line in lines)
                for key, lines in self.lines.items()}


_tracer = None


def pytest_configure(config):
    global _tracer
    _tracer = _Tracer(str(config.rootpath),
                      os.environ["MUTATION_TRACE_PACKAGE"].split(os.pathsep))
    _tracer.start()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _tracer.current = _tracer.lines.setdefault(item.nodeid, set())
    yield
    _tracer.current = _tracer.lines[IMPORT]


def pytest_unconfigure(config):
    _tracer.stop()
    with open(os.environ["MUTATION_TRACE_OUT"], "w", encoding="utf-8") as out:
        json.dump(_tracer.as_json(), out)
