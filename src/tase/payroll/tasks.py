"""Background tasks of payroll: emailing payslips after approval."""

from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Payslip
from .pdf import payslip_pdfs


@task
def email_payslips(run_id: int) -> int:
    """Email each payslip of the run as a PDF to employees who agreed to it. Returns the count."""
    sent = 0
    slips = Payslip.objects.filter(
        pay_run_id=run_id, employee__email_payslips=True, number__isnull=False
    ).select_related("employee", "company", "pay_run")
    slips = slips.exclude(employee__email="").order_by("number")
    # The PDFs are printed in a process pool over the cores (tase.payroll.pdf).
    for slip, document in payslip_pdfs(slips.iterator(chunk_size=200)):
        employee = slip.employee
        with translation.override(employee.language or "fi"):
            subject = _("Payslip %(date)s, %(company)s") % {
                "date": slip.payment_date.strftime("%d.%m.%Y"),
                "company": slip.company.name,
            }
            body = _("Your payslip for the payment on %(date)s is attached.") % {
                "date": slip.payment_date.strftime("%d.%m.%Y")
            }
        message = EmailMessage(subject, body, None, [employee.email])
        message.attach(f"payslip-{slip.number}.pdf", document, "application/pdf")
        message.send()
        sent += 1
    return sent


@task
def calculate_pay_run_task(run_id: int, user_id: int, token: int) -> int:
    """Calculate a large pay run in the background (services.calculate_in_background); its
    progress is kept on the pay run row, where the pay run page polls it."""
    from django.contrib.auth import get_user_model

    from tase.core.access import Actor

    from . import services

    actor = Actor.of(get_user_model().objects.get(pk=user_id))
    return services.calculate_in_background(actor, run_id, token)
