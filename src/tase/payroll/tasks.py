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


def progress_key(run_id: int) -> str:
    return f"payroll:calculation:{run_id}"


@task
def calculate_pay_run_task(run_id: int, user_id: int) -> int:
    """Calculate a large pay run in the background; progress goes to the cache (Redis in
    production), where the pay run page polls it."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.exceptions import ValidationError

    from tase.core.access import Actor

    from . import services
    from .models import PayRun

    key = progress_key(run_id)
    actor = Actor.of(get_user_model().objects.get(pk=user_id))
    run = PayRun.objects.get(pk=run_id)

    def progress(done: int, total: int) -> None:
        cache.set(key, {"state": "running", "done": done, "total": total}, 3600)

    try:
        count = services.calculate_pay_run(actor, run, progress=progress)
    except ValidationError as error:
        cache.set(key, {"state": "error", "message": " ".join(error.messages)}, 3600)
        return 0
    cache.set(key, {"state": "done", "done": count, "total": count}, 3600)
    return count
