"""SEPA credit transfer file for salaries: ISO 20022 pain.001.001.03 (default) or
pain.001.001.09, purpose SALA, written by the one pain.001 writer of
:mod:`tase.formats.sepa_payments`.

One payment information block booked as one sum, one transfer per employee with category
purpose and purpose code SALA and the salary text as the message, amounts in euros with two
decimals. :func:`validate` checks the file against the ISO XSD of its version before it is
offered for download. Pure Python: no Django.
"""

from __future__ import annotations

from dataclasses import replace

from .sepa_payments import (
    V03,
    V09,
    VERSIONS,
    Debtor,
    SepaError,
    Transfer,
    credit_transfer_file,
    namespace,
    schema_path,
    validate,
    version_of,
)

NS = namespace(V03)
__all__ = [
    "NS",
    "V03",
    "V09",
    "VERSIONS",
    "Debtor",
    "SepaError",
    "Transfer",
    "namespace",
    "salary_file",
    "schema_path",
    "validate",
    "version_of",
]


def salary_file(debtor: Debtor, transfers: list[Transfer], **file_options) -> bytes:
    """The pain.001 document for ``transfers`` (each amount > 0) as UTF-8 bytes; purpose SALA,
    booked as one sum. ``file_options``: ``execution_date``, ``message_id``, ``created`` and
    optionally ``version`` (pain.001.001.03 or .09), as for :func:`credit_transfer_file`."""
    return credit_transfer_file(
        debtor,
        [replace(transfer, purpose="SALA", reference="") for transfer in transfers],
        category_purpose="SALA",
        batch_booking=True,
        **file_options,
    )
