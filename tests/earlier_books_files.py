"""Books of earlier programs for tests.

Tilitin database files are written as Tilitin writes them: its tables and columns
(src/kirjanpito/db/sqlite/database.sql of github.com/thelineva/tilitin), dates as the
milliseconds of a Helsinki midnight (its JDBC driver's default), amounts as SQLite numbers,
``debit`` as 1 or 0, document 0 holding a period's opening balances."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")
SCHEMA = """
CREATE TABLE account (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, number varchar(10) NOT NULL,
  name varchar(100) NOT NULL, type integer NOT NULL, vat_code integer NOT NULL,
  vat_percentage numeric(10, 2) NOT NULL, vat_account1_id integer, vat_account2_id integer,
  flags integer NOT NULL);
CREATE TABLE coa_heading (id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  number varchar(10) NOT NULL, text varchar(100) NOT NULL, level integer NOT NULL);
CREATE TABLE period (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, start_date date NOT NULL,
  end_date date NOT NULL, locked bool NOT NULL);
CREATE TABLE document (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, number integer NOT NULL,
  period_id integer NOT NULL, date date NOT NULL);
CREATE TABLE entry (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, document_id integer NOT NULL,
  account_id integer NOT NULL, debit bool NOT NULL, amount numeric(10, 2) NOT NULL,
  description varchar(100) NOT NULL, row_number integer NOT NULL, flags integer NOT NULL);
CREATE TABLE settings (version integer NOT NULL, name varchar(100) NOT NULL,
  business_id varchar(50) NOT NULL, current_period_id integer NOT NULL,
  document_type_id integer, properties text NOT NULL, PRIMARY KEY (version));
"""
# Tilitin's types: 0 asset, 1 liability, 2 equity, 3 revenue, 4 expense, 5 earlier profit.
ACCOUNTS = [
    ("1701", "Myyntisaamiset", 0),
    ("1910", "Pankkitili", 0),
    ("2001", "Osakepääoma", 2),
    ("2251", "Edellisten tilikausien voitto", 5),
    ("2871", "Ostovelat", 1),
    ("29391", "Alv myynnistä", 1),
    ("3000", "Myynti", 3),
    ("4000", "Ostot", 4),
    ("7000", "Toimitilakulut", 4),
]


def millis(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=HELSINKI).timestamp() * 1000)


def write(path: Path, periods: list[dict], *, name="Vanha Oy", business_id="1234567-1") -> Path:
    """``periods``: ``{"start", "end", "locked", "documents": [(number, date, [(account,
    debit: bool, amount, text)])]}``."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    ids = {}
    for number, account_name, kind in ACCOUNTS:
        cursor = db.execute(
            "INSERT INTO account (number, name, type, vat_code, vat_percentage, flags) "
            "VALUES (?, ?, ?, 0, 0, 0)",
            (number, account_name, kind),
        )
        ids[number] = cursor.lastrowid
    for period in periods:
        cursor = db.execute(
            "INSERT INTO period (start_date, end_date, locked) VALUES (?, ?, ?)",
            (millis(period["start"]), millis(period["end"]), int(period.get("locked", False))),
        )
        period_id = cursor.lastrowid
        for number, day, lines in period["documents"]:
            document = db.execute(
                "INSERT INTO document (number, period_id, date) VALUES (?, ?, ?)",
                (number, period_id, millis(day)),
            ).lastrowid
            for row, (account, debit, amount, text) in enumerate(lines):
                db.execute(
                    "INSERT INTO entry (document_id, account_id, debit, amount, description, "
                    "row_number, flags) VALUES (?, ?, ?, ?, ?, ?, 0)",
                    (document, ids[account], int(debit), float(Decimal(amount)), text, row),
                )
    db.execute("INSERT INTO settings VALUES (10, ?, ?, 1, NULL, '')", (name, business_id))
    db.commit()
    db.close()
    return path


def two_years(path: Path) -> Path:
    """2025 locked, with opening balances, a sale, a purchase and a rent payment; 2026 open,
    its opening balances carried, and one sale."""
    y25, y26 = dt.date(2025, 1, 1), dt.date(2026, 1, 1)
    return write(
        path,
        [
            {
                "start": y25,
                "end": dt.date(2025, 12, 31),
                "locked": True,
                "documents": [
                    (0, y25, [("1910", True, "2500.00", ""), ("2001", False, "2500.00", "")]),
                    (
                        1,
                        dt.date(2025, 3, 14),
                        [
                            ("1701", True, "1255.00", "Lasku 1"),
                            ("3000", False, "1000.00", "Lasku 1"),
                            ("29391", False, "255.00", "Lasku 1"),
                        ],
                    ),
                    (
                        2,
                        dt.date(2025, 6, 30),
                        [("7000", True, "800.10", "Vuokra"), ("1910", False, "800.10", "Vuokra")],
                    ),
                    (3, dt.date(2025, 7, 1), [("4000", True, "0", ""), ("1910", False, "0", "")]),
                ],
            },
            {
                "start": y26,
                "end": dt.date(2026, 12, 31),
                "documents": [
                    (
                        0,
                        y26,
                        [
                            ("1910", True, "1699.90", ""),
                            ("1701", True, "1255.00", ""),
                            ("2001", False, "2500.00", ""),
                            ("29391", False, "255.00", ""),
                            ("2251", False, "199.90", ""),
                        ],
                    ),
                    (
                        1,
                        dt.date(2026, 2, 2),
                        [
                            ("1910", True, "1255.00", "Suoritus"),
                            ("1701", False, "1255.00", "Suoritus"),
                        ],
                    ),
                ],
            },
        ],
    )


KITSAS_SCHEMA = """
CREATE TABLE Asetus (avain varchar(128) PRIMARY KEY NOT NULL, arvo text, muokattu timestamp);
CREATE TABLE Tili (numero integer PRIMARY KEY NOT NULL, tyyppi varchar(10) NOT NULL, json text,
  muokattu TIMESTAMP);
CREATE TABLE Tilikausi (alkaa date PRIMARY KEY NOT NULL, loppuu date UNIQUE NOT NULL, json text);
CREATE TABLE Tosite (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, pvm date, tyyppi integer,
  tila integer DEFAULT 100, tunniste integer, sarja VARCHAR(10), otsikko TEXT, kumppani integer,
  json text);
CREATE TABLE Vienti (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, rivi integer NOT NULL,
  tosite integer, tyyppi integer DEFAULT (0), pvm date, tili integer, kohdennus integer DEFAULT(0),
  selite text, debetsnt BIGINT, kreditsnt BIGINT, eraid integer, alvprosentti numeric(5,2),
  alvkoodi integer, kumppani integer, jaksoalkaa DATE, jaksoloppuu DATE, laskupvm DATE,
  erapvm DATE, viite varchar(64), json text, CHECK (debetsnt = 0 OR kreditsnt = 0));
"""
# Kitsas's type codes (kitsas/db/tilityyppimodel.cpp).
KITSAS_ACCOUNTS = [
    (1701, "AO", "Myyntisaamiset"),
    (1910, "ARP", "Pankkitili"),
    (2001, "B", "Osakepääoma"),
    (2251, "BE", "Edellisten tilikausien voitto"),
    (2939, "BL", "Arvonlisäverovelka"),
    (3000, "CL", "Myynti"),
    (7000, "D", "Toimitilakulut"),
    (1000, "H1", "VASTAAVAA"),
]


def kitsas_book(path: Path) -> Path:
    """One year 2026: the opening balances (tilinavaus, type 9010), a sale and a rent
    payment posted (tila 100), and a draft (tila 50) that is not in the ledger."""
    db = sqlite3.connect(path)
    db.executescript(KITSAS_SCHEMA)
    db.executemany(
        "INSERT INTO Asetus (avain, arvo) VALUES (?, ?)",
        [("Nimi", "Kitsas Oy"), ("Ytunnus", "7654321-7")],
    )
    for number, kind, name in KITSAS_ACCOUNTS:
        db.execute(
            "INSERT INTO Tili (numero, tyyppi, json) VALUES (?, ?, ?)",
            (number, kind, json.dumps({"nimi": {"fi": name, "sv": name}})),
        )
    db.execute("INSERT INTO Tilikausi (alkaa, loppuu) VALUES ('2026-01-01', '2026-12-31')")
    vouchers = [
        (9010, 100, 0, "", "Tilinavaus", "2026-01-01", [(1910, 250000, 0), (2001, 0, 250000)]),
        (
            210,
            100,
            1,
            "ML",
            "Lasku 1",
            "2026-03-14",
            [(1701, 125500, 0), (3000, 0, 100000), (2939, 0, 25500)],
        ),
        (100, 100, 2, "", "Vuokra", "2026-06-30", [(7000, 80010, 0), (1910, 0, 80010)]),
        (100, 50, None, "", "Luonnos", "2026-07-01", [(7000, 999, 0), (1910, 0, 999)]),
    ]
    for kind, state, number, series, title, day, lines in vouchers:
        voucher = db.execute(
            "INSERT INTO Tosite (pvm, tyyppi, tila, tunniste, sarja, otsikko) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (day, kind, state, number, series, title),
        ).lastrowid
        for row, (account, debit, credit) in enumerate(lines, 1):
            db.execute(
                "INSERT INTO Vienti (rivi, tosite, pvm, tili, selite, debetsnt, kreditsnt) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row, voucher, day, account, title, debit, credit),
            )
    db.commit()
    db.close()
    return path
