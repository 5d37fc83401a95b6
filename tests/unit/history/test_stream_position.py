"""Stream positions: the `id:` of a department's server-sent events and `Last-Event-ID`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.history.department_stream import frame
from services.history.stream_position import (
    BadPosition,
    advanced,
    format_position,
    parse_position,
)

positions = st.dictionaries(
    st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=2**62), max_size=8
).filter(bool)


@given(positions)
def test_a_position_survives_the_round_trip_through_an_event_id(position: dict[int, int]) -> None:
    assert parse_position(format_position(position)) == position


def test_reading_a_record_moves_only_its_partition_past_it() -> None:
    position = {0: 4, 1: 9, 2: 0}
    assert advanced(position, 1, 9) == {0: 4, 1: 10, 2: 0}
    assert position == {0: 4, 1: 9, 2: 0}
    assert format_position(advanced(position, 2, 0)) == "0:4,1:9,2:1"


@pytest.mark.parametrize("text", ["", "yesterday", "0:1,", "0:-1", "a:1", "0:1;1:2", "0=1"])
def test_an_id_this_server_did_not_write_is_refused(text: str) -> None:
    with pytest.raises(BadPosition):
        parse_position(text)


def test_a_frame_carries_its_id_and_every_data_line() -> None:
    assert frame("0:1", "delivery", '{"a": 1}') == 'id: 0:1\nevent: delivery\ndata: {"a": 1}\n\n'
    assert frame("0:2", "delivery", "one\ntwo") == (
        "id: 0:2\nevent: delivery\ndata: one\ndata: two\n\n"
    )
