"""idnumber.valid_parts, the hot-path shortcut of validate, agrees with check_id on every input."""

import datetime as dt
import random
from pathlib import Path

import yaml

from xjma.core.idnumber import check_char, check_id, valid_parts

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "idnumbers.yaml").read_text(encoding="utf-8"))
START = dt.date(2026, 1, 1)


def _agree(raw: str, start: dt.date) -> None:
    parts = valid_parts(raw, start)
    result = check_id(raw, start)
    if parts is None:  # the shortcut may decline a valid number (x, spaces …), never accept a wrong one
        return
    assert result.code is None and result.region_known and result.province_known
    assert result.number == raw and (result.birth, result.female) == parts


def test_valid_parts_agrees_with_check_id_on_the_cases():
    for case in CASES:
        _agree(case["raw"], case.get("start", START))


def test_valid_parts_agrees_with_check_id_on_random_numbers():
    rng = random.Random(11643)
    declined = 0
    for _ in range(5000):
        region = rng.choice(["650102", "652301", "110105", "659999", "990000", "65010"])
        birth = f"{rng.randint(1900, 2030)}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}"
        first17 = (region + birth + f"{rng.randint(0, 999):03d}")[:17].ljust(17, "0")
        last = check_char(first17) if rng.random() < 0.7 else rng.choice("0123456789Xx")
        raw = first17 + last
        if rng.random() < 0.1:
            raw = " " + raw
        _agree(raw, START)
        declined += valid_parts(raw, START) is None
    assert 0 < declined < 5000


def test_a_clean_valid_number_takes_the_shortcut():
    assert valid_parts("650102198003041015", START) == (dt.date(1980, 3, 4), False)
    assert valid_parts("650102198003041015 ", START) is None  # check_id compacts it first
