"""Which recorded case a claims-file row belongs to, read in the caller's transaction (jobs/cases.py decides
with these): the case of the same claim_key, or a returned case of the same claim without its amounts
(case_identity), which the corrected row re-submits; and that re-submission's one update of the case's
claims row (office.md §5: returned = "sent back for missing materials or corrections")."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from xjma.core.claims.model import Claim, ClaimResult, case_identity, claim_key
from xjma.io.ledger.cases import CHUNK, current_states
from xjma.io.ledger.schema import claims

if TYPE_CHECKING:
    from xjma.io.ledger.cases import NewCase


def case_ids_by_key(conn: Connection, results: Iterable[ClaimResult]) -> dict[str, int]:
    """claim_key -> case number of the results already recorded."""
    keys = sorted({claim_key(r.claim) for r in results})
    found: dict[str, int] = {}
    for lo in range(0, len(keys), CHUNK):
        query = select(claims.c.claim_key, claims.c.id).where(claims.c.claim_key.in_(keys[lo : lo + CHUNK]))
        found.update({k: int(i) for k, i in conn.execute(query)})
    return found


def returned_by_identity(conn: Connection, wanted: Iterable[Claim]) -> dict[tuple[Any, ...], list[int]]:
    """case_identity (the claim without its amounts) -> the numbers of the returned cases with it, in
    number order, for these claims."""
    identities = {case_identity(c) for c in wanted}
    numbers = sorted({i[0] for i in identities})
    found: dict[tuple[Any, ...], list[int]] = {}
    c = claims.c
    for lo in range(0, len(numbers), CHUNK):
        query = select(c.id, c.id_number, c.plan, c.benefit, c.event_date, c.accident_ref).where(
            c.id_number.in_(numbers[lo : lo + CHUNK])
        )
        for r in conn.execute(query.order_by(c.id)):
            identity = (r.id_number, r.plan, r.benefit, r.event_date, r.accident_ref or "")
            if identity in identities:
                found.setdefault(identity, []).append(int(r.id))
    states = current_states(conn, [n for ids in found.values() for n in ids])
    returned = {k: [n for n in ids if states.get(n) == "returned"] for k, ids in found.items()}
    return {k: ids for k, ids in returned.items() if ids}


def correct_claims(conn: Connection, corrected: Sequence[tuple[int, NewCase]], stamp: dt.datetime) -> None:
    """The claims rows of returned cases re-submitted with other amounts take the corrected claim (its
    claim_key, inputs and result: what approval recomputes); the first recording time stays."""
    from xjma.core.claims.model import claim_inputs
    from xjma.io.ledger.claims import claim_values

    for case_id, c in corrected:
        values = claim_values(c.result, stamp)
        del values["recorded_at"]
        more = {"enrollment": c.enrollment, "name": c.facts.name or None}
        values["inputs"] = json.dumps({**claim_inputs(c.result.claim), **more}, ensure_ascii=False)
        conn.execute(claims.update().where(claims.c.id == case_id).values(**values))
