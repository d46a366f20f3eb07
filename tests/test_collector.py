"""The cyclic collector is held off while a year is computed and restored afterwards."""

import gc

import pytest

from settlement.engine.collector import paused_collection


def test_the_collector_is_paused_inside_and_restored_after_even_on_error():
    assert gc.isenabled()

    @paused_collection()
    def inside():
        return gc.isenabled()

    assert inside() is False and gc.isenabled()

    @paused_collection()
    def nested(depth):
        return nested(depth - 1) if depth else gc.isenabled()

    assert nested(3) is False and gc.isenabled()
    with pytest.raises(ValueError), paused_collection():
        raise ValueError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_collection():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
