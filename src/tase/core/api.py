"""API of the platform: the signed-in user, organizations, companies, users,
the audit trail and the statutory parameters."""

import datetime as dt
from typing import Any, Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from tase.apiutil import Day, Pagination, actor
from tase.rules import parameters as params

from . import parameter_values, selectors, services, two_factor
from .models import Membership
from .roles import Role

router = Router(tags=["platform"])


def _company_ids(membership) -> list[int]:
    """The companies a membership is limited to (empty: all), from the prefetched rows."""
    return [company.pk for company in membership.companies.all()]


class MembershipOut(Schema):
    id: int
    organization_id: int
    organization: str = Field(alias="organization.name")
    role: Role
    is_active: bool
    company_ids: list[int]
    has_two_factor: bool = Field(description="The user has a confirmed authenticator")
    must_set_up_2fa: bool = Field(
        alias="user.must_set_up_2fa",
        description="The authenticator was reset: the user sets up a new one at next sign-in",
    )

    resolve_company_ids = staticmethod(_company_ids)

    @staticmethod
    def resolve_has_two_factor(membership) -> bool:
        known = getattr(membership, "has_two_factor", None)  # annotated on lists
        return two_factor.has_two_factor(membership.user) if known is None else known


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    language: str
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request):
    user = request.auth
    current = actor(request)
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "memberships": current.memberships,
    }


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    business_id: str
    in_support: bool
    require_2fa_for_finance: bool


class OrganizationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    business_id: str = Field("", max_length=9)


@router.get("/organizations", response=list[OrganizationOut])
@paginate(Pagination)
def list_organizations(request):
    return selectors.organizations_for(actor(request))


@router.post("/organizations", response={201: OrganizationOut})
def create_organization(request, payload: OrganizationIn):
    return Status(201, services.create_customer_organization(actor(request), **payload.dict()))


@router.get("/organizations/{int:organization_id}", response=OrganizationOut)
def get_organization(request, organization_id: int):
    return actor(request).organization(organization_id, "organization.view")


CompanyForm = Literal["oy", "oyj", "tmi", "ay", "ky", "osk", "ry", "sr"]


class CompanyOut(Schema):
    id: int
    organization_id: int
    name: str
    business_id: str
    form: str
    vat_registered: bool
    street_address: str
    postal_code: str
    city: str
    country: str
    contact_name: str
    contact_email: str
    contact_phone: str
    is_test_environment: bool
    is_active: bool


class CompanyIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    business_id: str = Field(max_length=20)
    form: CompanyForm = "oy"
    vat_registered: bool = True
    street_address: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=10)
    city: str = Field("", max_length=100)
    country: str = Field("FI", min_length=2, max_length=2)
    contact_name: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=40)


class CompanyPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    business_id: str | None = Field(None, max_length=20)
    form: CompanyForm | None = None
    vat_registered: bool | None = None
    street_address: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=10)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, min_length=2, max_length=2)
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=40)
    is_active: bool | None = None


@router.get("/companies", response=list[CompanyOut], summary="Companies the user may see")
@paginate(Pagination)
def list_companies(request):
    return actor(request).companies("organization.view")


@router.post("/organizations/{int:organization_id}/companies", response={201: CompanyOut})
def create_company(request, organization_id: int, payload: CompanyIn):
    current = actor(request)
    organization = current.organization(organization_id)
    return Status(201, services.create_company(current, organization, **payload.dict()))


@router.get("/companies/{int:company_id}", response=CompanyOut)
def get_company(request, company_id: int):
    return actor(request).company(company_id, "organization.view")


@router.patch("/companies/{int:company_id}", response=CompanyOut)
def update_company(request, company_id: int, payload: CompanyPatch):
    current = actor(request)
    company = current.company(company_id)
    return services.update_company(
        current, company, **payload.dict(exclude_unset=True, exclude_none=True)
    )


class MemberOut(Schema):
    id: int
    user_id: int
    email: str = Field(alias="user.email")
    full_name: str = Field(alias="user.full_name")
    role: Role
    is_active: bool
    company_ids: list[int]
    has_two_factor: bool = Field(description="The user has a confirmed authenticator")
    must_set_up_2fa: bool = Field(
        alias="user.must_set_up_2fa",
        description="The authenticator was reset: the user sets up a new one at next sign-in",
    )

    resolve_company_ids = staticmethod(_company_ids)

    @staticmethod
    def resolve_has_two_factor(membership) -> bool:
        known = getattr(membership, "has_two_factor", None)  # annotated on lists
        return two_factor.has_two_factor(membership.user) if known is None else known


class InviteIn(Schema):
    email: str = Field(max_length=254)
    full_name: str = Field(min_length=1, max_length=200)
    role: str = Field(max_length=30)
    company_ids: list[int] = []
    language: Literal["fi", "en"] = "fi"


class MemberPatch(Schema):
    role: str = Field(max_length=30)
    company_ids: list[int] = []


def _companies(current, organization, ids):
    companies = list(current.companies().filter(organization=organization, pk__in=ids))
    if len(companies) != len(set(ids)):
        from django.core.exceptions import ValidationError

        raise ValidationError({"company_ids": "Unknown company for this organization."})
    return companies


@router.get("/organizations/{int:organization_id}/members", response=list[MemberOut])
@paginate(Pagination)
def list_members(request, organization_id: int):
    current = actor(request)
    return selectors.members_of(current, current.organization(organization_id))


@router.post("/organizations/{int:organization_id}/members", response={201: MemberOut})
def invite_member(request, organization_id: int, payload: InviteIn):
    current = actor(request)
    organization = current.organization(organization_id)
    membership = services.invite_user(
        current,
        organization,
        email=payload.email,
        full_name=payload.full_name,
        role=payload.role,
        companies=_companies(current, organization, payload.company_ids),
        language=payload.language,
    )
    return Status(201, membership)


def _member(current, membership_id) -> Membership:
    membership = (
        Membership.objects.select_related("organization", "user").filter(pk=membership_id).first()
    )
    if membership is None:
        raise Http404
    current.organization(membership.organization_id)
    return membership


@router.patch("/members/{int:membership_id}", response=MemberOut)
def change_member(request, membership_id: int, payload: MemberPatch):
    current = actor(request)
    membership = _member(current, membership_id)
    return services.change_membership(
        current,
        membership,
        role=payload.role,
        companies=_companies(current, membership.organization, payload.company_ids),
    )


@router.post("/members/{int:membership_id}/deactivate", response=MemberOut)
def deactivate_member(request, membership_id: int):
    current = actor(request)
    return services.set_membership_active(current, _member(current, membership_id), False)


@router.post("/members/{int:membership_id}/activate", response=MemberOut)
def activate_member(request, membership_id: int):
    current = actor(request)
    return services.set_membership_active(current, _member(current, membership_id), True)


@router.post(
    "/members/{int:membership_id}/reset-two-factor",
    response=MemberOut,
    summary="Reset a member's lost authenticator",
    description="The authenticator and recovery codes are removed; the member must set up a "
    "new authenticator at the next sign-in, and their tokens are refused until then. "
    "Refused (422) for oneself, for a member without an authenticator, and for a member who "
    "also belongs to an organization the caller may not act on.",
)
def reset_member_two_factor(request, membership_id: int):
    current = actor(request)
    return services.reset_two_factor(current, _member(current, membership_id))


@router.post(
    "/members/{int:membership_id}/resend-invitation",
    response=MemberOut,
    summary="Send a member's invitation email again",
)
def resend_member_invitation(request, membership_id: int):
    current = actor(request)
    return services.resend_invitation(current, _member(current, membership_id))


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor: str = Field(alias="actor_label")
    organization_id: int | None
    company_id: int | None
    object_type: str
    object_id: str
    object_repr: str
    action: str
    changes: dict


class AuditFilter(Schema):
    organization_id: int | None = None
    object_type: str = ""
    object_id: str = ""


@router.get("/audit-events", response=list[AuditEventOut])
@paginate(Pagination)
def list_audit_events(request, filters: Query[AuditFilter]):
    current = actor(request)
    if not current.can_read_audit():
        raise Http404
    organization = None
    if filters.organization_id is not None:
        organization = selectors.audit_organization(current, filters.organization_id)
    return selectors.audit_events(
        current,
        organization=organization,
        object_type=filters.object_type,
        object_id=filters.object_id,
    )


class DatedValueOut(Schema):
    effective_from: dt.date
    value: Any
    source: str
    note: str
    entered_by: str = Field("", description="Who entered the value; empty: shipped with Tase")
    entered_at: dt.datetime | None = None


class ParameterOut(Schema):
    name: str
    description: dict[str, str]
    unit: str
    confirmed_until: dt.date | None = Field(
        None, description="Last date a yearly-set value is confirmed for; null: until changed"
    )
    values: list[DatedValueOut]


class ParameterValueIn(Schema):
    effective_from: Day
    value: Any = Field(..., description='A decimal string ("0.95") or the structured value')
    source: str
    note: str = ""
    confirmed_until: Day | None = None


class ParameterValueOut(Schema):
    name: str
    on: dt.date
    value: Any
    unit: str
    effective_from: dt.date
    source: str


@router.get(
    "/parameters", response=list[ParameterOut], summary="Every statutory parameter with its history"
)
def list_parameters(request):
    return [_parameter_out(p) for p in params.all_parameters()]


def _parameter(name: str):
    try:
        return params.parameter(name)
    except params.UnknownParameter as error:
        raise HttpError(404, str(error)) from None


def _parameter_out(p):
    return {
        "name": p.name,
        "description": p.description,
        "unit": p.unit,
        "confirmed_until": p.confirmed_until,
        "values": list(p.values),
    }


@router.get("/parameters/{name}", response=ParameterOut)
def get_parameter(request, name: str):
    return _parameter_out(_parameter(name))


@router.post(
    "/parameters/{name}/values",
    response={201: ParameterOut},
    summary="Enter a new value of a statutory parameter with its source (vendor admin)",
)
def enter_parameter_value(request, name: str, payload: ParameterValueIn):
    current = actor(request)
    if not current.can("parameters.view"):
        raise HttpError(404, "Not Found")
    _parameter(name)
    parameter_values.enter_value(current, name=name, **payload.dict())
    return Status(201, _parameter_out(params.parameter(name)))


@router.get("/parameters/{name}/value", response=ParameterValueOut)
def parameter_value(request, name: str, on: Day):
    parameter = _parameter(name)
    try:
        entry = parameter.entry_at(on)
    except (params.NoValueOnDate, params.NotConfirmed) as error:
        raise HttpError(404, str(error)) from None
    return {
        "name": name,
        "on": on,
        "value": entry.value,
        "unit": parameter.unit,
        "effective_from": entry.effective_from,
        "source": entry.source,
    }


# -- personal data ---------------------------------------------------------------------------
@router.get("/me/personal-data", response=dict, summary="Everything held of the signed-in user")
def own_personal_data(request):
    from .personal_data import export_user_data

    current = actor(request)
    return export_user_data(current, current.user)


@router.get("/members/{int:membership_id}/personal-data", response=dict)
def member_personal_data(request, membership_id: int):
    """The member's account, memberships, tokens and audit events in the organizations the
    caller manages (users.manage); the export is audited."""
    from .personal_data import export_user_data, membership_user

    current = actor(request)
    _membership, user = membership_user(current, membership_id)
    return export_user_data(current, user)


class ErasedUserOut(Schema):
    id: int
    email: str
    full_name: str
    kept: list[dict]


@router.post("/members/{int:membership_id}/personal-data/erase", response=ErasedUserOut)
def erase_member(request, membership_id: int):
    """Pseudonymise the member's account for good; 422 while it has an active membership or
    belongs to an organization the caller does not manage. The answer lists what was kept."""
    from .personal_data import erase_user, kept_after_erasure, membership_user

    current = actor(request)
    _membership, user = membership_user(current, membership_id)
    user = erase_user(current, user)
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "kept": kept_after_erasure(),
    }
