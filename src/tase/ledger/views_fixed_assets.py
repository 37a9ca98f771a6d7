"""The fixed-asset page: the register as a balance-sheet specification, add an asset,
run the depreciation, dispose of an asset, and the tax depreciation with the
depreciation difference of a fiscal year (thin over the services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from . import asset_register, services, tax_depreciation
from .models import Account, FiscalYear, FixedAsset
from .views import _actor, _base, _company, _month_end, _require_confirmation, posted

ASSET_FIELDS = (
    "number",
    "name",
    "group",
    "asset_account",
    "expense_account",
    "acquired",
    "in_use",
    "cost",
    "method",
    "years",
    "rate",
    "tax_opening",
)


def _post(request, company):
    actor, action = _actor(request), request.POST.get("action")
    if action == "create":
        values = {name: request.POST.get(name, "").strip() for name in ASSET_FIELDS}
        values["in_use"] = values["in_use"] or None
        values["tax_opening"] = values["tax_opening"] or None
        asset = services.create_fixed_asset(actor, company, **values)
        messages.success(request, _("Asset %(asset)s added.") % {"asset": asset})
    elif action == "run":
        _require_confirmation(request)
        voucher = services.run_depreciation(actor, company, _month_end(request.POST.get("until")))
        messages.success(
            request, _("Depreciation posted as voucher %(voucher)s.") % {"voucher": voucher}
        )
    elif action == "dispose":
        _require_confirmation(request)
        asset = get_object_or_404(FixedAsset, company=company, pk=request.POST.get("asset"))
        services.dispose_fixed_asset(
            actor, company, asset, date=request.POST.get("date"), price=request.POST.get("price")
        )
        messages.success(request, _("Asset %(asset)s disposed of.") % {"asset": asset})
    elif action == "difference":
        _require_confirmation(request)
        year = get_object_or_404(FiscalYear, company=company, pk=request.POST.get("fiscal_year"))
        changes = {
            key.removeprefix("change:"): value
            for key, value in request.POST.items()
            if key.startswith("change:")
        }
        voucher = services.book_depreciation_difference(actor, company, year, changes)
        messages.success(
            request,
            _("Depreciation difference booked as voucher %(voucher)s.") % {"voucher": voucher},
        )


@login_required
def fixed_assets(request, company_pk):
    company = _company(request, company_pk)
    done, errors = posted(request, company, "ledger.post", _post)
    if done is not None:
        return done
    assets = list(asset_register.assets_of(company))
    years = list(company.fiscal_years.order_by("-start"))
    chosen = request.POST.get("fiscal_year") or request.GET.get("year")
    year = next((y for y in years if str(y.pk) == chosen), None) or next(
        (y for y in years if y.is_open), years[0] if years else None
    )
    accounts = Account.objects.filter(company=company, is_header=False, hidden=False)
    return render(
        request,
        "ledger/fixed_assets.html",
        _base(
            request,
            company,
            errors=errors,
            assets=assets,
            specification=asset_register.specification(company),
            groups=FixedAsset.Group.choices,
            methods=FixedAsset.Method.choices,
            asset_accounts=accounts.filter(type=Account.Type.ASSET),
            expense_accounts=accounts.filter(type=Account.Type.EXPENSE),
            form=request.POST if errors else {},
            fiscal_years=years,
            tax_year=year,
            tax_pools=tax_depreciation.pools(company, year) if year else [],
        ),
    )
