"""Bank pages: statements (upload and list), one statement with its lines (each open line with
one keyboard-friendly form: the proposal filled in, Enter posts it), rules and settings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.core.editing import error_list, post_or_errors
from tase.core.product_index import product_index
from tase.ledger import selectors as ledger_selectors
from tase.rules import vat as vat_rules

from . import selectors, services
from .models import Line

PAGE_SIZE = 50
LINE_PAGE_SIZE = 200


def _actor(request) -> Actor:
    return Actor.of(request.user)


def _base(request, company, **extra):
    return {
        "company": company,
        "can_reconcile": _actor(request).can_in_company("bank.reconcile", company),
        **extra,
    }


@login_required
def index(request):
    return product_index(request, "bank.view", "bank:statements", "bank/index.html")


@login_required
def statements(request, company_pk):
    actor = _actor(request)
    company = actor.company(company_pk, "bank.view")
    errors, results = [], []
    if request.method == "POST":
        company = actor.company(company_pk, "bank.reconcile")
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError({"file": _("Choose a camt.053 or camt.054 file.")})
            results = services.import_statements(actor, company, upload)
            if len(results) == 1 and not results[0].already:
                messages.success(request, _("Statement imported."))
                return redirect("bank:statement_detail", company.pk, results[0].statement.pk)
        except ValidationError as error:
            errors = error_list(error)
    page = Paginator(selectors.statements_of(company), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "bank/statements.html",
        _base(request, company, page=page, errors=errors, results=results),
    )


@login_required
def statement_detail(request, company_pk, pk):
    actor = _actor(request)
    statement = selectors.statement_of(actor, company_pk, pk)
    company = statement.company
    errors = []
    if request.method == "POST":
        line = selectors.line_of(actor, company_pk, request.POST.get("line") or 0)
        if line.statement_id != statement.pk:
            raise Http404
        done, errors = post_or_errors(
            lambda: _act(actor, line, request.POST),
            redirect_to=f"{request.path}#line-{line.pk}",
        )
        if done is not None:
            return done
    show = request.GET.get("show", "open" if statement.open_count else "")
    lines = statement.lines.all()
    if show == "open":
        lines = lines.filter(status=Line.Status.OPEN)
    page = Paginator(lines, LINE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    found = selectors.proposals(actor, statement, rows) if statement.open_count else {}
    return render(
        request,
        "bank/statement_detail.html",
        _base(
            request,
            company,
            statement=statement,
            page=page,
            rows=[(line, found.get(line.pk, {})) for line in rows],
            show=show,
            errors=errors,
            accounts=ledger_selectors.accounts_of(company, include_hidden=False)
            .filter(is_header=False)
            .only("number", "name_fi"),
            vat_codes=sorted(vat_rules.CODES),
        ),
    )


def _act(actor, line: Line, data) -> None:
    action = data.get("action", "post")
    if action == "match":
        services.accept_proposal(actor, line, data.get("target", ""))
    elif action == "ignore":
        services.ignore_line(actor, line, reason=data.get("reason", ""))
    else:
        services.post_line(
            actor,
            line,
            account=data.get("account", ""),
            vat_code=data.get("vat_code", ""),
            text=data.get("text", ""),
            save_rule=bool(data.get("save_rule")),
        )


@login_required
def rules(request, company_pk):
    actor = _actor(request)
    company = actor.company(company_pk, "bank.view")
    errors = []
    if request.method == "POST":
        company = actor.company(company_pk, "bank.reconcile")
        done, errors = post_or_errors(
            lambda: _rule_action(request, actor, company),
            redirect_to=reverse("bank:rules", args=[company.pk]),
        )
        if done is not None:
            return done
    return render(
        request,
        "bank/rules.html",
        _base(
            request,
            company,
            rules=selectors.rules_of(company),
            settings=selectors.settings_of(company),
            errors=errors,
            form=request.POST,
            vat_codes=sorted(vat_rules.CODES),
        ),
    )


def _rule_action(request, actor, company) -> None:
    data = request.POST
    action = data.get("action", "")
    if action == "delete":
        rule = selectors.rules_of(company).filter(pk=data.get("rule") or 0).first()
        if rule is None:
            raise Http404
        services.delete_rule(actor, rule)
    elif action == "settings":
        try:
            write_off = Decimal((data.get("write_off") or "0").replace(",", ".").strip())
        except InvalidOperation:
            raise ValidationError({"write_off": _("Give the tolerance in euros.")}) from None
        services.update_settings(
            actor,
            company,
            write_off_cents=int(write_off * 100),
            write_off_account=data.get("write_off_account", ""),
        )
    else:
        services.create_rule(
            actor,
            company,
            counterparty=data.get("counterparty", ""),
            reference=data.get("reference", ""),
            account=data.get("account", ""),
            vat_code=data.get("vat_code", ""),
        )
    messages.success(request, _("Saved."))
