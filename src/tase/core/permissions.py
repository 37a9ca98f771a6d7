"""The permission matrix: which role may do which action, written once as data.

Views, the API, services and tests all ask :func:`allowed`; docs/permissions.md is
generated from :data:`MATRIX` by ``tase permissions_doc``. A staff role acts on every
customer organization of its vendor; a customer role acts inside its own
organization, on the companies its membership allows.
"""

from dataclasses import dataclass

from .roles import Role

R = Role
ALL_STAFF = (R.ADMIN, R.ACCOUNT_MANAGER, R.PROJECT_LEAD, R.CONSULTANT, R.SUPPORT_SPECIALIST)
CUSTOMER_OFFICE = (R.MAIN_USER, R.ACCOUNTANT, R.PAYROLL_CLERK, R.VIEWER)


@dataclass(frozen=True)
class Action:
    code: str
    description: str
    roles: frozenset[Role]


def _action(code: str, description: str, *roles: Role) -> Action:
    return Action(code, description, frozenset(roles))


ACTIONS: tuple[Action, ...] = (
    # Platform
    _action(
        "organization.view",
        "See the organization, its companies and people",
        *ALL_STAFF,
        *CUSTOMER_OFFICE,
    ),
    _action(
        "organization.manage",
        "Create customer organizations and edit them",
        R.ADMIN,
        R.ACCOUNT_MANAGER,
    ),
    _action(
        "company.manage",
        "Create and edit companies",
        R.ADMIN,
        R.ACCOUNT_MANAGER,
        R.PROJECT_LEAD,
        R.CONSULTANT,
        R.MAIN_USER,
    ),
    _action(
        "users.manage",
        "Invite customer users, change their roles, deactivate them",
        R.ADMIN,
        R.ACCOUNT_MANAGER,
        R.PROJECT_LEAD,
        R.MAIN_USER,
    ),
    _action(
        "organization.security",
        "Require two-factor authentication of the organization's finance and payroll roles",
        R.ADMIN,
        R.ACCOUNT_MANAGER,
        R.MAIN_USER,
    ),
    _action(
        "users.reset_2fa",
        "Reset a user's lost authenticator; the user sets up a new one at next sign-in",
        R.ADMIN,
        R.MAIN_USER,
    ),
    _action("staff.manage", "Add and remove the vendor's staff", R.ADMIN),
    _action("audit.view", "Read the audit trail", *ALL_STAFF, R.MAIN_USER),
    _action("parameters.view", "Read the dated statutory parameters", *ALL_STAFF, *CUSTOMER_OFFICE),
    _action(
        "parameters.manage",
        "Enter the new year's statutory parameter values with their sources",
        R.ADMIN,
    ),
    # Bookkeeping
    _action(
        "ledger.view", "See the books and reports", *ALL_STAFF, R.MAIN_USER, R.ACCOUNTANT, R.VIEWER
    ),
    _action(
        "ledger.post",
        "Enter, post and reverse vouchers",
        R.ADMIN,
        R.CONSULTANT,
        R.MAIN_USER,
        R.ACCOUNTANT,
    ),
    _action(
        "ledger.manage",
        "Set up charts, fiscal years, VAT periods; lock periods; close years",
        R.ADMIN,
        R.CONSULTANT,
        R.MAIN_USER,
        R.ACCOUNTANT,
    ),
    _action("ledger.reopen_year", "Reopen a closed fiscal year", R.MAIN_USER),
    # Sales invoicing and receivables
    _action(
        "sales.view",
        "See customers, products, sales invoices and receivables",
        *ALL_STAFF,
        R.MAIN_USER,
        R.ACCOUNTANT,
        R.VIEWER,
    ),
    _action(
        "sales.invoice",
        "Keep customers and products; write, send and credit sales invoices",
        R.ADMIN,
        R.CONSULTANT,
        R.MAIN_USER,
        R.ACCOUNTANT,
    ),
    _action(
        "sales.payments",
        "Record payments received on sales invoices",
        R.ADMIN,
        R.CONSULTANT,
        R.MAIN_USER,
        R.ACCOUNTANT,
    ),
    # Purchases and payments out
    _action(
        "purchases.view",
        "See suppliers, purchase invoices and payment proposals",
        *ALL_STAFF,
        R.MAIN_USER,
        R.ACCOUNTANT,
        R.VIEWER,
    ),
    _action(
        "purchases.manage",
        "Keep suppliers; receive and enter purchase invoices; set the approval circulation",
        R.ADMIN,
        R.CONSULTANT,
        R.MAIN_USER,
        R.ACCOUNTANT,
    ),
    _action(
        "purchases.approve",
        "Review, approve, reject and forward purchase invoices",
        R.ADMIN,
        R.CONSULTANT,
        R.MAIN_USER,
        R.ACCOUNTANT,
    ),
    _action(
        "purchases.pay",
        "Make payment proposals and payment files; mark purchase invoices paid",
        R.ADMIN,
        R.CONSULTANT,
        R.MAIN_USER,
        R.ACCOUNTANT,
    ),
    # Bank statements and reconciliation
    _action(
        "bank.view",
        "See bank statements and how their lines were matched",
        *ALL_STAFF,
        R.MAIN_USER,
        R.ACCOUNTANT,
        R.VIEWER,
    ),
    _action(
        "bank.reconcile",
        "Import bank statements; match, post or ignore their lines; keep matching rules",
        R.ADMIN,
        R.CONSULTANT,
        R.MAIN_USER,
        R.ACCOUNTANT,
    ),
    # Payroll
    _action(
        "payroll.view",
        "See employees, pay runs and payroll reports",
        R.ADMIN,
        R.CONSULTANT,
        R.SUPPORT_SPECIALIST,
        R.MAIN_USER,
        R.PAYROLL_CLERK,
    ),
    _action(
        "payroll.manage",
        "Edit employees, tax cards, wage types; calculate pay runs",
        R.ADMIN,
        R.CONSULTANT,
        R.MAIN_USER,
        R.PAYROLL_CLERK,
    ),
    _action("payroll.approve", "Approve and pay pay runs", R.MAIN_USER, R.PAYROLL_CLERK),
    _action(
        "payroll.identity_codes",
        "See personal identity codes unmasked",
        R.MAIN_USER,
        R.PAYROLL_CLERK,
    ),
    _action(
        "payroll.personal_data",
        "Export an employee's personal data; erase it once its retention has ended",
        R.MAIN_USER,
        R.PAYROLL_CLERK,
    ),
    _action("payslip.view_own", "See one's own payslips", *ALL_STAFF, *CUSTOMER_OFFICE, R.EMPLOYEE),
    # Implementation projects
    _action("delivery.view", "Follow implementation projects", *ALL_STAFF, *CUSTOMER_OFFICE),
    _action(
        "delivery.manage",
        "Run projects: schedule, tasks, meetings, documents, training",
        R.ADMIN,
        R.ACCOUNT_MANAGER,
        R.PROJECT_LEAD,
        R.CONSULTANT,
    ),
    _action(
        "delivery.contracts",
        "Record contracts and change requests",
        R.ADMIN,
        R.ACCOUNT_MANAGER,
        R.PROJECT_LEAD,
    ),
    _action("delivery.templates", "Edit project templates", R.ADMIN),
    _action(
        "delivery.approve",
        "Approve specifications and sign off go-live for the customer",
        R.MAIN_USER,
    ),
    # Customer support
    _action("support.use", "File and follow service requests; read guides", *CUSTOMER_OFFICE),
    _action(
        "support.handle",
        "Work the service request queue, reply, log calls",
        R.ADMIN,
        R.SUPPORT_SPECIALIST,
        R.ACCOUNT_MANAGER,
    ),
    _action("support.publish", "Publish announcements and guides", R.ADMIN, R.SUPPORT_SPECIALIST),
    _action("support.order_training", "Order extra training", R.MAIN_USER),
    _action(
        "support.billing",
        "See phone support statements",
        R.ADMIN,
        R.ACCOUNT_MANAGER,
        R.SUPPORT_SPECIALIST,
        R.MAIN_USER,
    ),
)

MATRIX: dict[str, Action] = {action.code: action for action in ACTIONS}


class UnknownAction(KeyError):
    pass


def allowed(role: Role | str, action: str) -> bool:
    """Whether ``role`` may do ``action``; an action not in the matrix is an error."""
    try:
        return role in MATRIX[action].roles
    except KeyError:
        raise UnknownAction(action) from None


def render_markdown() -> str:
    """docs/permissions.md: the matrix as a table, one row per action."""
    roles = list(Role)
    header = "| action | " + " | ".join(role.value for role in roles) + " |"
    rule = "| --- | " + " | ".join("---" for _ in roles) + " |"
    rows = [
        f"| `{action.code}` {action.description} | "
        + " | ".join("✔" if role in action.roles else "" for role in roles)
        + " |"
        for action in ACTIONS
    ]
    legend = "\n".join(f"- `{role.value}`: {role.label}" for role in roles)
    return (
        "# Permissions\n\n"
        "Generated from `src/tase/core/permissions.py` by `tase permissions_doc`; do not edit by hand.\n"
        "Staff roles act on every customer organization of their vendor; customer roles act inside their\n"
        "own organization, on the companies their membership allows. Anything outside a user's\n"
        "organizations answers 404.\n\n"
        f"{header}\n{rule}\n" + "\n".join(rows) + "\n\n## Roles\n\n" + legend + "\n"
    )
