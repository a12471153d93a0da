"""Results as the JSON documents of cli.md: the single home of their keys, one module per command family
(roster: validate, enroll; ledger: fees summary, member show, db; claims: claim calc).

Each function takes a job's typed result; a command's exit-2 document is the same function applied to an
empty result. Money is a string with two decimals, dates ISO strings. Import from this package.
"""

from xjma.commands.documents.claims import claims_document, failed_claims_document
from xjma.commands.documents.ledger import (
    check_document,
    copy_document,
    failed_db_document,
    failed_fees_document,
    failed_member_document,
    fees_document,
    figures_document,
    init_document,
    member_document,
    migrate_document,
)
from xjma.commands.documents.renewals import renewals_due_document
from xjma.commands.documents.roster import EmptyValidation, enroll_document, fees_of, validation_document

__all__ = [
    "EmptyValidation",
    "check_document",
    "claims_document",
    "copy_document",
    "enroll_document",
    "failed_claims_document",
    "failed_db_document",
    "failed_fees_document",
    "failed_member_document",
    "fees_document",
    "fees_of",
    "figures_document",
    "init_document",
    "member_document",
    "migrate_document",
    "renewals_due_document",
    "validation_document",
]
