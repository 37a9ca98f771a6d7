"""Background tasks of payroll: emailing payslips after approval."""

from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Payslip
from .pdf import payslip_pdf


@task
def email_payslips(run_id: int) -> int:
    """Email each payslip of the run as a PDF to employees who agreed to it. Returns the count."""
    sent = 0
    slips = Payslip.objects.filter(
        pay_run_id=run_id, employee__email_payslips=True, number__isnull=False
    ).select_related("employee", "company", "pay_run")
    for slip in slips:
        employee = slip.employee
        if not employee.email:
            continue
        with translation.override(employee.language or "fi"):
            subject = _("Payslip %(date)s, %(company)s") % {
                "date": slip.payment_date.strftime("%d.%m.%Y"),
                "company": slip.company.name,
            }
            body = _("Your payslip for the payment on %(date)s is attached.") % {
                "date": slip.payment_date.strftime("%d.%m.%Y")
            }
        message = EmailMessage(subject, body, None, [employee.email])
        message.attach(f"payslip-{slip.number}.pdf", payslip_pdf(slip), "application/pdf")
        message.send()
        sent += 1
    return sent
