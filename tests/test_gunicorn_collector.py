"""gunicorn.conf.py's collector hook: the garbage a request leaves in reference cycles is freed
once its response is sent, and what the worker loaded for its first request is frozen out of
every later collection."""

import gc
import importlib.util
import weakref
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self):
        self.me = self


@pytest.fixture
def config():
    spec = importlib.util.spec_from_file_location("gunicorn_config", CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    gc.unfreeze()


def test_a_requests_garbage_in_cycles_is_freed_after_its_response(config):
    gc.disable()  # no automatic collection in between: only the hook's
    try:
        left = Node()
        gone = weakref.ref(left)
        del left
        assert gone() is not None

        config.post_request(None, None, None, None)

        assert gone() is None
    finally:
        gc.enable()


def test_what_the_first_request_loaded_is_frozen_once(config):
    config.post_request(None, None, None, None)
    frozen = gc.get_freeze_count()
    loaded_later = [Node() for _ in range(100)]

    config.post_request(None, None, None, None)

    assert frozen > 0
    assert gc.get_freeze_count() == frozen  # the later requests' objects stay collectable
    assert loaded_later
