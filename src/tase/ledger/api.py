"""Bookkeeping API under /api/v1/ledger/: thin over the same services and selectors as the UI.

Money is a decimal string in euros (``"1255.00"``); dates ISO 8601.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tase.apiutil import Day, Pagination, actor
from tase.core import limits
from tase.formats.vat_return_file import VatFileError
from tase.rules import vat as vat_rules

from . import (
    api_accruals,
    api_archive,
    api_closing,
    api_fixed_assets,
    api_specifications,
    api_statements,
    api_tax_losses,
    reports,
    selectors,
    services,
)
from .models import Account, FiscalYear, Voucher

router = Router(tags=["ledger"])
router.add_router("", api_fixed_assets.router)
router.add_router("", api_closing.router)
router.add_router("", api_accruals.router)
router.add_router("", api_statements.router)
router.add_router("", api_specifications.router)
router.add_router("", api_archive.router)
router.add_router("", api_tax_losses.router)


def _company(request, company_id: int, action: str = "ledger.view"):
    return actor(request).company(company_id, action)


TAX_TREATMENTS = (
    "Tax treatment in the calculation of taxable income (form 6B): empty (normal), "
    "representation (half deductible, EVL 8 § 1 mom. 8 kohta) or non_deductible (fines, tax "
    "increases, penalty interest, EVL 16 §) on an expense account, tax_exempt or "
    "partly_exempt (dividends 75 % taxable, EVL 6 a § 1 mom.) on a revenue account"
)


class AccountOut(Schema):
    id: int
    number: str
    name_fi: str
    name_en: str
    type: str
    is_header: bool
    level: int
    default_vat_code: str
    income_statement_line: str
    balance_sheet_line: str
    hidden: bool
    function: str = Field(
        ...,
        description="Function of expense for the income statement by function (KPA 1:2 §): "
        "cost_of_sales | selling | administration | other, or empty",
    )
    tax_treatment: str = Field(..., description=TAX_TREATMENTS)


class AccountIn(Schema):
    number: str
    name_fi: str
    name_en: str = ""
    type: str
    default_vat_code: str = ""
    line: str = ""
    function: str | None = Field(
        None, description="Function of expense; default: the one of the number's range"
    )
    tax_treatment: str = Field("", description=TAX_TREATMENTS)


class AccountPatch(Schema):
    name_fi: str | None = None
    name_en: str | None = None
    default_vat_code: str | None = None
    hidden: bool | None = None
    function: str | None = Field(
        None, description="cost_of_sales | selling | administration | other, or empty"
    )
    tax_treatment: str | None = Field(None, description=TAX_TREATMENTS)


class FiscalYearOut(Schema):
    id: int
    start: dt.date
    end: dt.date
    state: str


class FiscalYearIn(Schema):
    start: Day
    end: Day
    change_of_period: bool = Field(
        False, description="A change of fiscal period (tilikauden muutos): 1-18 months."
    )


class VoucherLineIn(Schema):
    account: str
    debit: Decimal | None = None
    credit: Decimal | None = None
    vat_code: str | None = None
    gross: bool = True
    text: str = ""
    cost_centre: str = ""
    project: str = ""
    delivery_date: Day | None = Field(
        None,
        description="Date of delivery when not the voucher's date: the VAT rate in force then.",
    )


class VoucherIn(Schema):
    date: Day
    series: str = "MU"
    description: str
    lines: list[VoucherLineIn] = Field(..., min_length=1)
    source: str = ""
    source_ref: str = ""
    draft: bool = False


class ReverseIn(Schema):
    date: Day
    description: str = ""


class EntryOut(Schema):
    account: str
    debit: str | None
    credit: str | None
    vat_code: str
    is_vat: bool
    text: str
    cost_centre: str
    project: str
    delivery_date: dt.date | None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class VoucherOut(Schema):
    id: int
    series: str
    number: int | None
    date: dt.date
    description: str
    state: str
    reverses_id: int | None
    source: str
    source_ref: str

    @staticmethod
    def resolve_series(obj):
        return obj["series"] if isinstance(obj, dict) else obj.series.code


class VoucherDetailOut(VoucherOut):
    entries: list[EntryOut]
    attachments: list[AttachmentOut]


def _voucher_out(voucher: Voucher, detail: bool = False) -> dict:
    data = {
        "id": voucher.pk,
        "series": voucher.series.code,
        "number": voucher.number,
        "date": voucher.date,
        "description": voucher.description,
        "state": voucher.state,
        "reverses_id": voucher.reverses_id,
        "source": voucher.source,
        "source_ref": voucher.source_ref,
    }
    if detail:
        data["entries"] = [
            {
                "account": e.account.number,
                "debit": str(services.cents_to_decimal(e.debit_cents))
                if e.amount_cents > 0
                else None,
                "credit": str(services.cents_to_decimal(e.credit_cents))
                if e.amount_cents < 0
                else None,
                "vat_code": e.vat_code,
                "is_vat": e.is_vat,
                "text": e.text,
                "cost_centre": e.cost_centre,
                "project": e.project,
                "delivery_date": e.delivery_date,
            }
            for e in voucher.entries.select_related("account")
        ]
        data["attachments"] = list(voucher.attachments.all())
    return data


# -- accounts --------------------------------------------------------------------------------


@router.get("/companies/{company_id}/accounts", response=list[AccountOut])
def list_accounts(request, company_id: int):
    return selectors.accounts_of(_company(request, company_id))


@router.post("/companies/{company_id}/accounts", response={201: AccountOut})
def create_account(request, company_id: int, payload: AccountIn):
    company = _company(request, company_id)
    return Status(201, services.create_account(actor(request), company, **payload.dict()))


@router.patch("/companies/{company_id}/accounts/{number}", response=AccountOut)
def update_account(request, company_id: int, number: str, payload: AccountPatch):
    company = _company(request, company_id)
    account = get_object_or_404(Account, company=company, number=number, is_header=False)
    return services.update_account(actor(request), account, **payload.dict(exclude_none=True))


# -- bank accounts --------------------------------------------------------------------------


class BankAccountIn(Schema):
    iban: str
    bic: str
    account: str = Field(..., description="The ledger account number the bank account is booked to")
    name: str = ""
    is_default: bool | None = None


class BankAccountOut(Schema):
    id: int
    name: str
    iban: str
    bic: str
    account: str = Field(..., alias="account.number")
    is_default: bool
    active: bool


@router.get("/companies/{company_id}/bank-accounts", response=list[BankAccountOut])
def list_bank_accounts(request, company_id: int):
    return selectors.bank_accounts_of(_company(request, company_id))


@router.post("/companies/{company_id}/bank-accounts", response={201: BankAccountOut})
def create_bank_account(request, company_id: int, payload: BankAccountIn):
    company = _company(request, company_id)
    return Status(201, services.create_bank_account(actor(request), company, **payload.dict()))


# -- fiscal years ---------------------------------------------------------------------------


@router.get("/companies/{company_id}/fiscal-years", response=list[FiscalYearOut])
def list_fiscal_years(request, company_id: int):
    return FiscalYear.objects.filter(company=_company(request, company_id)).order_by("start")


@router.post("/companies/{company_id}/fiscal-years", response={201: FiscalYearOut})
def create_fiscal_year(request, company_id: int, payload: FiscalYearIn):
    company = _company(request, company_id)
    return Status(
        201,
        services.create_fiscal_year(
            actor(request),
            company,
            start=payload.start,
            end=payload.end,
            change_of_period=payload.change_of_period,
        ),
    )


class ChartIn(Schema):
    chart: Literal["limited-company", "sole-trader"]


@router.post("/companies/{company_id}/chart", response={201: dict})
def apply_chart(request, company_id: int, payload: ChartIn):
    """Add a standard chart of accounts (as the accounts page does); accounts that exist
    are kept. Answers how many accounts were added."""
    company = _company(request, company_id, "ledger.manage")
    return Status(201, {"added": services.apply_chart(actor(request), company, payload.chart)})


@router.post("/companies/{company_id}/fiscal-years/{year_id}/close", response=FiscalYearOut)
def close_fiscal_year(
    request, company_id: int, year_id: int, payload: api_closing.FiscalYearCloseIn | None = None
):
    """Close the year through the closing gate; ``override_reason`` (optional body) says why
    when the gate fails."""
    return api_closing.close_fiscal_year(request, company_id, year_id, payload)


# -- vouchers --------------------------------------------------------------------------------


class VoucherFilters(Schema):
    date_from: Day | None = Field(None, alias="from")
    date_to: Day | None = Field(None, alias="to")
    series: str = ""
    state: str = ""
    account: str = ""
    q: str = ""


@router.get("/companies/{company_id}/vouchers", response=list[VoucherOut])
@paginate(Pagination)
def list_vouchers(request, company_id: int, filters: Query[VoucherFilters]):
    company = _company(request, company_id)
    qs = selectors.vouchers_of(
        company,
        start=filters.date_from,
        end=filters.date_to,
        series=filters.series,
        state=filters.state,
        account=filters.account,
        query=filters.q,
    )
    return qs


@router.post("/companies/{company_id}/vouchers", response={201: VoucherDetailOut})
def create_voucher(request, company_id: int, payload: VoucherIn):
    company = _company(request, company_id)
    lines = [line.dict() for line in payload.lines]
    if payload.draft:
        voucher = services.save_draft(
            actor(request),
            company,
            date=payload.date,
            series=payload.series,
            description=payload.description,
            lines=lines,
        )
    else:
        voucher = services.post_voucher(
            actor(request),
            company,
            date=payload.date,
            series=payload.series,
            description=payload.description,
            lines=lines,
            source=payload.source,
            source_ref=payload.source_ref,
        )
    return Status(201, _voucher_out(voucher, detail=True))


def _voucher(request, company_id: int, voucher_id: int, action="ledger.view") -> Voucher:
    company = _company(request, company_id, action)
    return get_object_or_404(
        Voucher.objects.select_related("series"), company=company, pk=voucher_id
    )


@router.get("/companies/{company_id}/vouchers/{voucher_id}", response=VoucherDetailOut)
def get_voucher(request, company_id: int, voucher_id: int):
    return _voucher_out(_voucher(request, company_id, voucher_id), detail=True)


@router.post("/companies/{company_id}/vouchers/{voucher_id}/post", response=VoucherDetailOut)
def post_draft(request, company_id: int, voucher_id: int):
    voucher = services.post_draft(actor(request), _voucher(request, company_id, voucher_id))
    return _voucher_out(voucher, detail=True)


@router.post(
    "/companies/{company_id}/vouchers/{voucher_id}/reverse", response={201: VoucherDetailOut}
)
def reverse_voucher(request, company_id: int, voucher_id: int, payload: ReverseIn):
    voucher = _voucher(request, company_id, voucher_id)
    reversal = services.reverse_voucher(
        actor(request), voucher, date=payload.date, description=payload.description
    )
    return Status(201, _voucher_out(reversal, detail=True))


@router.post(
    "/companies/{company_id}/vouchers/{voucher_id}/attachments", response={201: AttachmentOut}
)
def add_attachment(request, company_id: int, voucher_id: int, file: File[UploadedFile]):
    voucher = _voucher(request, company_id, voucher_id)
    return Status(201, services.add_attachment(actor(request), voucher, file))


# -- imports ---------------------------------------------------------------------------------


class VoucherImportOut(Schema):
    posted: int
    skipped: int
    vouchers: int


class OpeningBalancesOut(Schema):
    voucher: VoucherOut
    accounts: int
    skipped: bool


@router.post(
    "/companies/{company_id}/imports/vouchers",
    response=VoucherImportOut,
    summary="Import a voucher CSV (all or nothing; a file imported twice is not doubled)",
)
def import_vouchers(request, company_id: int, file: File[UploadedFile]):
    company = _company(request, company_id)
    limits.check_size(file, "voucher_csv")
    return services.import_vouchers(actor(request), company, file.file)


@router.post(
    "/companies/{company_id}/imports/opening-balances",
    response=OpeningBalancesOut,
    summary="Import the opening balances of a fiscal year from a CSV",
)
def import_opening_balances(
    request, company_id: int, file: File[UploadedFile], fiscal_year_id: int | None = None
):
    company = _company(request, company_id)
    limits.check_size(file, "opening_csv")
    year = (
        get_object_or_404(FiscalYear, company=company, pk=fiscal_year_id)
        if fiscal_year_id is not None
        else None
    )
    result = services.import_opening_balances(
        actor(request), company, file.read(), fiscal_year=year
    )
    return result | {"voucher": _voucher_out(result["voucher"])}


# -- reports -----------------------------------------------------------------------------------


class ReportQuery(Schema):
    date_from: Day | None = Field(None, alias="from")
    date_to: Day | None = Field(None, alias="to")
    language: str = "fi"
    cost_centre: str = ""
    project: str = ""


@router.get("/companies/{company_id}/reports/{kind}", summary="A report as JSON")
def report(request, company_id: int, kind: str, query: Query[ReportQuery]):
    company = _company(request, company_id)
    if kind not in reports.REPORTS:
        from django.http import Http404

        raise Http404
    year = selectors.fiscal_year_of(company, query.date_to or query.date_from or dt.date.today())
    start = query.date_from or (year.start if year else dt.date(dt.date.today().year, 1, 1))
    end = query.date_to or (year.end if year else dt.date(dt.date.today().year, 12, 31))
    language = query.language if query.language in ("fi", "en") else "fi"
    with translation.override(language):
        table = reports.build(
            kind,
            company,
            start,
            end,
            language=language,
            cost_centre=query.cost_centre,
            project=query.project,
        )
        return reports.to_json_data(table)


# -- VAT settings ------------------------------------------------------------------------------


class VatSettingsOut(Schema):
    vat_period: str
    cash_basis_vat: bool
    cash_basis_turnover_limit: str


class VatSettingsPatch(Schema):
    vat_period: Literal["month", "quarter", "year"] | None = None
    cash_basis_vat: bool | None = None


def _vat_settings(company) -> dict:
    row = selectors.vat_settings(company, dt.date.today())
    return {
        "vat_period": row.vat_period,
        "cash_basis_vat": row.cash_basis_vat,
        "cash_basis_turnover_limit": f"{row.cash_basis_turnover_limit:.2f}",
    }


@router.get("/companies/{company_id}/vat-settings", response=VatSettingsOut)
def get_vat_settings(request, company_id: int):
    """The VAT period and method (``cash_basis_vat``: maksuperusteinen alv), with the turnover
    limit of the cash basis in euros on today's date."""
    return _vat_settings(_company(request, company_id))


@router.patch("/companies/{company_id}/vat-settings", response=VatSettingsOut)
def patch_vat_settings(request, company_id: int, payload: VatSettingsPatch):
    """Change the VAT period or method; only the fields given change. Switching the cash basis
    on adds the unrecognised VAT accounts the chart lacks."""
    company = _company(request, company_id)
    with transaction.atomic():
        if payload.vat_period is not None:
            services.set_vat_period(actor(request), company, payload.vat_period)
        if payload.cash_basis_vat is not None:
            services.set_cash_basis_vat(actor(request), company, payload.cash_basis_vat)
    return _vat_settings(company)


# -- VAT returns -------------------------------------------------------------------------------


class VatReturnQuery(Schema):
    date_from: Day = Field(alias="from")
    date_to: Day = Field(alias="to")
    format: Literal["json", "vsralvkv", "vsralvyv"] = "json"


class VatReturnOut(Schema):
    start: dt.date
    end: dt.date
    deadline: dt.date
    fields: dict[str, str]


@router.get(
    "/companies/{company_id}/vat-returns",
    response={200: VatReturnOut},
    summary="The periodic VAT return: its fields as JSON, or the VSRALVKV / VSRALVYV file",
)
def vat_return(request, company_id: int, query: Query[VatReturnQuery]):
    """``format=vsralvkv`` answers the Tax Administration's file (text/plain) for a period that
    is one of the company's tax periods; ``format=vsralvyv`` the recapitulative statement of
    EU sales of a calendar month. A period the file cannot be written for answers 422 naming
    ``from``."""
    company = _company(request, company_id)
    start, end = query.date_from, query.date_to
    if query.format in ("vsralvkv", "vsralvyv"):
        writer = (
            selectors.vat_return_file if query.format == "vsralvkv" else selectors.eu_sales_file
        )
        try:
            name, text = writer(company, start, end, sent_at=timezone.localtime())
        except VatFileError as error:
            raise ValidationError({"from": str(error)}) from error
        response = HttpResponse(text, content_type="text/plain; charset=iso-8859-1")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    result = selectors.vat_return(company, start, end)
    return {
        "start": start,
        "end": end,
        "deadline": vat_rules.return_deadline(
            end, calendar_year=(start.month, end.month) == (1, 12)
        ),
        "fields": {
            code: str(services.cents_to_decimal(cents)) for code, cents in result.figures.items()
        },
    }


class EarlierYearOut(Schema):
    start: dt.date
    end: dt.date
    vouchers: int
    skipped: int
    accounts: int
    closed: bool


class EarlierBooksOut(Schema):
    program: str
    name: str
    business_id: str
    accounts_added: int
    already_imported: int
    vouchers: int
    years: list[EarlierYearOut]


@router.post(
    "/companies/{company_id}/imports/{program}",
    response=EarlierBooksOut,
    summary="Import the chart, the fiscal years and the vouchers of a Tilitin or Kitsas book",
)
def import_books(
    request, company_id: int, program: Literal["tilitin", "kitsas"], file: File[UploadedFile]
):
    """All or nothing: each year's trial balance must equal the earlier program's (422
    naming the year and the account otherwise). A file imported before posts nothing twice."""
    report = services.import_books_upload(
        actor(request), _company(request, company_id), file, program=program
    )
    return {
        "program": report.program,
        "name": report.name,
        "business_id": report.business_id,
        "accounts_added": report.accounts_added,
        "already_imported": report.already_imported,
        "vouchers": report.vouchers,
        "years": [vars(year) for year in report.years],
    }
