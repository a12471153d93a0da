"""--mask: ID numbers keep first 6 + last 4, mobiles 3 + 4, anywhere inside a text; other numbers stay."""

import pytest

from xjma.core.privacy import mask_document, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("650102198003041015", "650102********1015"),
        ("11010519491231002X", "110105********002X"),
        ("110105491231002", "110105*****1002"),
        ("13912345678", "139****5678"),
        ("0991-2821098", "0991-****1098"),
        (
            "身份证号码“650102198003041015”重复，电话13912345678",
            "身份证号码“650102********1015”重复，电话139****5678",
        ),
        ("2026-12-01", "2026-12-01"),
        ("12345678.90", "12345678.90"),
        ("6501021980030410151", "6501021980030410151"),  # 19 digits: not an ID, left alone
        ("1391234567", "139***4567"),  # a mistyped mobile is still masked
        ("1234567", "***4567"),
        ("1000000元", "1000000元"),  # an amount is not a phone
    ],
)
def test_ids_and_phones_are_masked_and_nothing_else(text, masked):
    assert mask_text(text) == masked


def test_a_document_is_masked_deeply_and_keeps_its_shape():
    doc = {"id_number": "650102198003041015", "fee": "110.00", "rows": 3,
           "problems": [{"row": 5, "message": "电话 13912345678 不对"}]}  # fmt: skip
    assert mask_document(doc) == {"id_number": "650102********1015", "fee": "110.00", "rows": 3,
                                  "problems": [{"row": 5, "message": "电话 139****5678 不对"}]}  # fmt: skip
