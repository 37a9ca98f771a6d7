"""The bank barcode against the official examples of the Pankkiviivakoodi-opas
(shared/reference/formats-fi.md §2): all nine invoices in versions 4 and 5."""

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from tase.formats.bank_barcode import (
    BarcodeError,
    barcode_svg,
    code128_values,
    parse_virtual_barcode,
    virtual_barcode,
)


def _day(text):
    return dt.datetime.strptime(text, "%d.%m.%Y").date() if text else None


def _amount(text):
    return Decimal(text.replace(" ", "").replace(",", ".")) if text else None


V4 = [
    ("FI79 4405 2020 0360 82", "4 883,15", "86851 62596 19897", "12.6.2010",
     "479440520200360820048831500000000868516259619897100612"),
    ("FI58 1017 1000 0001 22", "482,99", "55958 22432 94671", "31.1.2012",
     "458101710000001220004829900000000559582243294671120131"),
    ("FI02 5000 4640 0013 02", "693,80", "69 87567 20834 35364", "24.7.2011",
     "402500046400013020006938000000069875672083435364110724"),
    ("FI15 6601 0001 5306 41", "7 444,54", "7 75847 47906 47489", "19.12.2019",
     "415660100015306410074445400000007758474790647489191219"),
    ("FI16 8000 1400 0502 67", "935,85", "78 77767 96566 28687", None,
     "416800014000502670009358500000078777679656628687000000"),
    ("FI73 3131 3001 0000 58", None, "8 68624", "9.8.2013",
     "473313130010000580000000000000000000000000868624130809"),
    ("FI83 3301 0001 1007 75", "150 000,20", "92125 37425 25398 97737", "25.5.2016",
     "483330100011007751500002000092125374252539897737160525"),
    ("FI39 3636 3002 0924 92", "1,03", "5907 38390", "11.3.2023",
     "439363630020924920000010300000000000000590738390230311"),
    ("FI92 3939 0001 0033 91", "0,02", "13 57914", "24.12.2099",
     "492393900010033910000000200000000000000001357914991224"),
]  # fmt: skip

V5 = [
    ("FI79 4405 2020 0360 82", "4 883,15", "RF09 8685 1625 9619 897", "12.6.2010",
     "579440520200360820048831509000000868516259619897100612"),
    ("FI58 1017 1000 0001 22", "482,99", "RF06 5595 8224 3294 671", "31.1.2010",
     "558101710000001220004829906000000559582243294671100131"),
    ("FI02 5000 4640 0013 02", "693,80", "RF02 6987 5672 0834", "24.7.2011",
     "502500046400013020006938002000000000698756720834110724"),
    ("FI15 6601 0001 5306 41", "7 444,54", "RF84 7758 4747 9064 7489", "19.12.2019",
     "515660100015306410074445484000007758474790647489191219"),
    ("FI16 8000 1400 0502 67", "935,85", "RF60 7877 7679 6566 2868 7", None,
     "516800014000502670009358560000078777679656628687000000"),
    ("FI73 3131 3001 0000 58", None, "RF10 8686 24", "9.8.2013",
     "573313130010000580000000010000000000000000868624130809"),
    ("FI83 3301 0001 1007 75", "150 000,20", "RF71 9212 5374 2525 3989 7737", "25.5.2016",
     "583330100011007751500002071092125374252539897737160525"),
    ("FI39 3636 3002 0924 92", "1,03", "RF66 5907 3839 0", "11.3.2023",
     "539363630020924920000010366000000000000590738390230311"),
    ("FI92 3939 0001 0033 91", "0,02", "RF95 1357 914", "24.12.2099",
     "592393900010033910000000295000000000000001357914991224"),
]  # fmt: skip

OTHERS = [  # sikteeri and the npm virtuaaliviivakoodi README (formats-fi.md §2)
    ("FI16 5741 3620 4069 56", "35,00", "32287 22205 1", "12.3.2011",
     "416574136204069560000350000000000000032287222051110312"),
    ("FI37 1590 3000 0007 76", "12,25", "11112", "21.12.2016",
     "437159030000007760000122500000000000000000011112161221"),
    ("FI37 1590 3000 0007 76", "1,10", "RF98 11112", "1.1.2017",
     "537159030000007760000011098000000000000000011112170101"),
]  # fmt: skip


@pytest.mark.parametrize(("iban", "amount", "reference", "due", "expected"), V4 + V5 + OTHERS)
def test_official_examples(iban, amount, reference, due, expected):
    assert virtual_barcode(iban, _amount(amount), reference, _day(due)) == expected


@pytest.mark.parametrize(("iban", "amount", "reference", "due", "code"), V4 + V5 + OTHERS)
def test_read_back(iban, amount, reference, due, code):
    data = parse_virtual_barcode(code)
    assert data.version == int(code[0])
    assert data.iban == iban.replace(" ", "")
    assert data.amount == _amount(amount)
    assert data.reference == reference.replace(" ", "")
    assert data.due == _day(due)


@pytest.mark.parametrize(("index", "check"), [(0, 40), (1, 55), (2, 14)])
def test_code128_check_values_of_the_guide(index, check):
    values = code128_values(V4[index][4])
    assert values[0] == 105 and values[-1] == 106
    assert values[-2] == check
    assert len(values) == 27 + 3


def test_a_million_euros_does_not_fit_and_is_left_for_the_payer():
    code = virtual_barcode("FI79 4405 2020 0360 82", Decimal("1000000.00"), "1234561", None)
    assert code[17:25] == "00000000"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"iban": "DE89 3704 0044 0532 0130 00"}, "iban"),
        ({"iban": "FI79 4405 2020 0360 83"}, "iban"),
        ({"reference": "32287 22205 0"}, "reference"),
        ({"reference": "RF09 2348 236"}, "reference"),
        ({"reference": "RF19 AB2G 59X5 6V54 3"}, "reference"),
        ({"amount": Decimal("-1.00")}, "amount"),
        ({"amount": Decimal("1.005")}, "amount"),
    ],
)
def test_bad_input_names_the_field(kwargs, field):
    args = {"iban": "FI79 4405 2020 0360 82", "amount": Decimal(10), "reference": "1234561"}
    with pytest.raises(BarcodeError, match=f"^{field}:"):
        virtual_barcode(**(args | kwargs), due=None)


def test_svg_draws_the_code128_symbol():
    code = V4[0][4]
    svg = etree.fromstring(barcode_svg(code).encode())
    bars = svg.findall(".//{http://www.w3.org/2000/svg}rect")[1:]  # the first is the background
    # Code 128: every symbol is 3 bars, the stop 4: start + 27 pairs + check = 29 symbols
    assert len(bars) == 29 * 3 + 4
    assert svg.get("height") == "15.000mm"
