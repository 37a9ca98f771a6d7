"""Filing the VAT return and the EU sales statement directly with the Tax Administration.

The Tax Administration's API service (Verohallinnon rajapintapalvelut, the returns and
applications interface) takes the same VSRALVKV and VSRALVYV files Tase writes
(:mod:`tase.formats.vat_return_file`, :mod:`tase.formats.eu_sales_file`), over TLS with a
certificate the filer gets from the Tax Administration's certificate service
(varmennepalvelu) and an API key, after the company (or its accounting office, with a
Suomi.fi authorisation) has registered as an API user.

Not configured in Tase: there is no certificate. :meth:`VatFiling.send` raises
:class:`NotConfigured`; download the file and send it in Ilmoitin.fi or OmaVero instead.
An implementation would post the file to the returns interface, store the Tax
Administration's archive id with the return, and read the filing's status back.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class NotConfigured(RuntimeError):
    """The Tax Administration's API for returns is not configured."""


class VatFiling:
    """The adapter for sending a return file; a stub until a certificate is configured."""

    def send(self, file_name: str, text: str) -> str:
        """Send one return file and answer the Tax Administration's archive id."""
        raise NotConfigured(
            _(
                "Filing directly with the Tax Administration is not configured (it needs the "
                "Tax Administration's API certificate). Download the file and send it in "
                "Ilmoitin.fi or OmaVero."
            )
        )
