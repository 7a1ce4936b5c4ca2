import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from framework import Node  # noqa: E402


@pytest.fixture
def node(tmp_path):
    n = Node(tmp_path).start()
    yield n
    n.kill()


@pytest.fixture
def make_node(tmp_path):
    """Factory for nodes with custom arguments or config; all are killed at the end."""
    made = []

    def make(extra_args=(), conf=None, start=True, subdir="n", env=None):
        d = tmp_path / ("%s%d" % (subdir, len(made)))
        d.mkdir()
        n = Node(d, extra_args, conf, env)
        made.append(n)
        return n.start() if start else n

    yield make
    for n in made:
        n.kill()
