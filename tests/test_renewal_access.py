"""Member details (schema v7) under row-level security (office.md §9): a prefecture role records its
members' phones with its enroll and reads only those; the office reads them all. PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from access_support import H1, U1, Office, connect, make_office

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def office(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    yield from make_office(pg_url, tmp_path_factory.mktemp("access"))


def _ids(url: str) -> set[str]:
    with connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT id_number FROM member_details").fetchall()}


def test_a_prefecture_role_sees_the_details_of_its_own_members_only(office: Office) -> None:
    hami, urumqi, everyone = _ids(office.hami), _ids(office.urumqi), _ids(office.owner)
    assert H1 in hami and U1 not in hami
    assert U1 in urumqi and H1 not in urumqi
    assert hami | urumqi == everyone and len(everyone) == 4
