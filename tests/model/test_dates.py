from __future__ import annotations

from datetime import date

import pytest
from pydantic import TypeAdapter

from tusoi_cli.model.dates import day_first, parse_date
from tusoi_cli.model.review import BirthDate
from tusoi_cli.read.member_reader import parse_date as read_parse_date


@pytest.mark.parametrize(("text", "expected"), [
    ("30/06/2026", date(2026, 6, 30)), (" 1.2.2026 ", date(2026, 2, 1)), ("01-12-2026", date(2026, 12, 1)),
    ("2026-06-30", None), ("31/02/2026", None), ("30/06/26", None), ("", None),
])
def test_day_first(text: str, expected: date | None) -> None:
    assert day_first(text) == expected


def test_parse_date_takes_iso_then_day_first_and_the_readers_share_it() -> None:
    assert read_parse_date is parse_date
    assert parse_date(" 2026-06-30 ") == parse_date("30/06/2026") == date(2026, 6, 30)
    assert parse_date("31/02/2026") is None


def test_a_birth_date_is_read_day_first_and_an_impossible_one_refused_as_written() -> None:
    birth_date = TypeAdapter(BirthDate)
    assert birth_date.validate_python(" 30/06/1980 ") == birth_date.validate_python("1980-06-30") == date(1980, 6, 30)
    with pytest.raises(ValueError) as caught:
        birth_date.validate_python(" 31/02/1980 ")
    assert "' 31/02/1980 '" in str(caught.value)
