"""Personal data at rest: identity codes, employees' bank accounts and the Incomes Register
files are encrypted in the database (read here with a raw SQL cursor), read back with the key,
refuse loudly with a wrong key, rotate to a new key, and stay searchable by blind index."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tase.core import fieldcrypt
from tase.core.models import AuditEvent
from tase.payroll import services
from tase.payroll.models import Employee, IncomesRegisterReport, TaxCard

from .factories import employee, pay_run, valid_code

CODE = valid_code("150675-123")
IBAN = "FI2112345600000785"
OLD_KEY = "b2xkLWtleS1vZi10aGUtdGVzdHMtMDEyMzQ1Njc4OTA="
NEW_KEY = "bmV3LWtleS1vZi10aGUtdGVzdHMtMDEyMzQ1Njc4OTA="


@pytest.fixture
def old_key(settings):
    settings.TASE_FIELD_KEYS = [OLD_KEY]
    return settings


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _raw_employee(pk):
    return _raw(
        "SELECT identity_code, iban, identity_code_hash FROM payroll_employee WHERE id = %s", [pk]
    )


def test_the_database_row_holds_neither_the_identity_code_nor_the_iban(world, clerk, old_key):
    row = employee(clerk, world.company, identity_code=CODE, birth_date=None, iban=IBAN)
    code, iban, index = _raw_employee(row.pk)
    assert CODE not in code and "150675" not in code and IBAN not in iban and "785" not in iban
    assert code.startswith("fernet:") and iban.startswith("fernet:")
    assert index and CODE not in index
    again = Employee.objects.get(pk=row.pk)
    assert (again.identity_code, again.iban) == (CODE, IBAN)
    # Encrypting the same value twice gives two tokens (a random IV each time).
    assert fieldcrypt.encrypt(CODE) != fieldcrypt.encrypt(CODE)


def test_the_incomes_register_file_is_encrypted_at_rest(world, clerk, old_key):
    row = employee(clerk, world.company, identity_code=CODE, birth_date=None, iban=IBAN)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    report = IncomesRegisterReport.objects.get(kind="earnings")
    # An earnings payment delivery is stored in parts (written as it is produced).
    (stored,) = _raw(
        "SELECT text FROM payroll_incomesregisterpart WHERE report_id = %s", [report.pk]
    )
    assert stored.startswith("fernet:")
    assert CODE not in stored and "IncomeEarnerIds" not in stored
    assert CODE.encode() in report.document and b"IncomeEarnerIds" in report.document
    assert row.pk


def test_a_wrong_key_fails_loudly(world, clerk, settings):
    settings.TASE_FIELD_KEYS = [OLD_KEY]
    row = employee(clerk, world.company, identity_code=CODE, birth_date=None, iban=IBAN)
    settings.TASE_FIELD_KEYS = [NEW_KEY]
    with pytest.raises(fieldcrypt.FieldKeyError, match="No key in TASE_FIELD_KEYS"):
        Employee.objects.get(pk=row.pk)
    # The other columns stay readable where the encrypted ones are not loaded.
    assert Employee.objects.defer("identity_code", "iban").get(pk=row.pk).last_name


def test_an_encrypted_column_cannot_be_searched_by_its_plain_value(db):
    with pytest.raises(TypeError, match="blind index"):
        Employee.objects.filter(identity_code=CODE).exists()
    with pytest.raises(TypeError, match="blind index"):
        Employee.objects.filter(iban__startswith="FI").exists()
    assert Employee.objects.filter(identity_code="").count() == 0


def test_rotation_re_encrypts_with_the_newest_key(world, clerk, settings):
    settings.TASE_FIELD_KEYS = [OLD_KEY]
    row = employee(clerk, world.company, identity_code=CODE, birth_date=None, iban=IBAN)
    before = _raw_employee(row.pk)
    settings.TASE_FIELD_KEYS = [NEW_KEY, OLD_KEY]
    # Before the rotation: both keys read, and the old blind index still finds the employee.
    assert Employee.objects.get(pk=row.pk).identity_code == CODE
    with pytest.raises(ValidationError, match="identity_code"):
        employee(clerk, world.company, first_name="Twin", identity_code=CODE, birth_date=None)
    assert not fieldcrypt.uses_newest_key(before[0])
    call_command("keys", "rotate", stdout=io.StringIO())
    after = _raw_employee(row.pk)
    assert after[0] != before[0] and after[1] != before[1] and after[2] != before[2]
    assert fieldcrypt.uses_newest_key(after[0])
    assert AuditEvent.objects.filter(action="rotate_field_keys").exists()
    # The old key can go: everything reads and is found with the new key alone.
    settings.TASE_FIELD_KEYS = [NEW_KEY]
    again = Employee.objects.get(pk=row.pk)
    assert (again.identity_code, again.iban) == (CODE, IBAN)
    count = services.import_tax_cards_csv(
        clerk,
        world.company,
        f"identity_code,year,base_rate,additional_rate,income_limit\n{CODE},2026,21,41,30000\n",
        year=2026,
    )
    assert count == 1 and TaxCard.objects.get(employee=row, year=2026).base_rate == 21


def test_rotation_with_a_missing_key_changes_nothing(world, clerk, settings):
    settings.TASE_FIELD_KEYS = [OLD_KEY]
    row = employee(clerk, world.company, identity_code=CODE, birth_date=None, iban=IBAN)
    before = _raw_employee(row.pk)
    settings.TASE_FIELD_KEYS = [NEW_KEY]
    with pytest.raises(Exception, match="No key in TASE_FIELD_KEYS"):
        call_command("keys", "rotate")
    assert _raw_employee(row.pk) == before


def test_blind_index_finds_the_employee_in_the_tax_card_import(world, clerk, old_key):
    row = employee(clerk, world.company, identity_code=CODE, birth_date=None, card=None)
    lower = CODE.lower()
    services.import_tax_cards_csv(
        clerk,
        world.company,
        f"identity_code;year;base_rate;additional_rate;income_limit\n{lower};2026;18;38;25000\n",
        year=2026,
    )
    assert TaxCard.objects.get(employee=row).base_rate == 18
    with pytest.raises(ValidationError, match="010190"):
        services.import_tax_cards_csv(
            clerk,
            world.company,
            "identity_code,year,base_rate,additional_rate,income_limit\n"
            f"{valid_code('010190-123')},2026,18,38,25000\n",
            year=2026,
        )


def test_the_audit_trail_names_a_changed_iban_without_holding_it(world, clerk, old_key):
    row = employee(clerk, world.company, iban=IBAN)
    services.update_employee(clerk, row, iban="FI5810171000000122")
    event = AuditEvent.objects.filter(action="update", object_id=str(row.pk)).latest("pk")
    assert event.changes["iban"] == ["***", "***"]
    assert "FI58" not in str(event.changes) and "FI21" not in str(event.changes)


def test_generate_prints_a_working_key(capsys):
    call_command("keys", "generate")
    key = capsys.readouterr().out.strip()
    assert fieldcrypt.blind_index("x", key)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows(world, settings):
    settings.TASE_FIELD_KEYS = [OLD_KEY]
    executor = MigrationExecutor(connection)
    before = [("payroll", "0009_hourly_divisor_profession_code")]
    latest = executor.loader.graph.leaf_nodes("payroll")
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payroll_employee (company_id, number, first_name, last_name,"
            " identity_code, birth_date, street_address, postal_code, city, email, language,"
            " iban, email_payslips, is_active, created_at)"
            " VALUES (%s, '77', 'Vanha', 'Rivi', %s, %s, '', '', '', '', 'fi', %s, %s, %s, %s)",
            [world.company.pk, CODE, dt.date(1975, 6, 15), IBAN, False, True, dt.datetime.now()],
        )
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    row = Employee.objects.get(number="77")
    code, iban, index = _raw_employee(row.pk)
    assert CODE not in code and IBAN not in iban and index in fieldcrypt.blind_indexes(CODE)
    assert (row.identity_code, row.iban) == (CODE, IBAN)
