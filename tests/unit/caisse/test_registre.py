"""The cash desk's ledger (caisse.registre): a day's figures, the figures
before a day, what the till holds of a mode."""

import datetime
from decimal import Decimal

from portail_famille.caisse import registre
from portail_famille.caisse.registre import (
    ANNULATION,
    REGLEMENT,
    REMBOURSEMENT,
    REMISE,
    SORTIE,
)

D = Decimal
J1, J2, J3 = (datetime.date(2026, 12, d) for d in (1, 2, 3))


class Regie:
    """What the ledger's readers ask of a régie: its ledger."""

    def __init__(self):
        self.caisse = registre.Caisse()


def remplie():
    regie = Regie()
    found = regie.caisse
    registre.ajouter(found, J1, REGLEMENT, "cheque", D("100.00"))
    registre.ajouter(found, J1, REGLEMENT, "cheque", D("20.00"))
    registre.ajouter(found, J1, REGLEMENT, "especes", D("50.00"))
    registre.ajouter(found, J1, REGLEMENT, "carte", D("75.00"))
    registre.ajouter(found, J2, ANNULATION, "especes", D("50.00"))
    registre.ajouter(found, J2, SORTIE, "especes", D("50.00"))
    registre.ajouter(found, J2, REGLEMENT, "especes", D("30.00"))
    registre.ajouter(found, J2, REMBOURSEMENT, "especes", D("5.00"))
    registre.ajouter(found, J2, REMBOURSEMENT, "virement", D("7.00"))
    registre.ajouter(found, J3, REMISE, "cheque", D("120.00"), 2)
    return regie


def test_a_day_and_the_days_before():
    regie = remplie()
    assert registre.totaux_entre(regie, J1, J1)[(REGLEMENT, "cheque")] == (2, D("120.00"))
    assert registre.totaux_avant(regie, J1) == {}
    avant = registre.totaux_avant(regie, J3)
    assert avant[(REGLEMENT, "especes")] == (2, D("80.00"))
    assert (REMISE, "cheque") not in avant
    assert registre.totaux_entre(regie, None, J3)[(REMISE, "cheque")] == (2, D("120.00"))


def test_the_till_holds_cheques_and_cash_received_less_what_left_it():
    regie = remplie()
    assert registre.en_caisse(registre.totaux_avant(regie, J2), "cheque") == D("120.00")
    assert registre.en_caisse(registre.totaux_avant(regie, J2), "especes") == D("50.00")
    # 50 received, cancelled (given back), 30 received, 5 refunded in cash;
    # the refund by transfer does not leave the till
    apres = registre.totaux_avant(regie, J3)
    assert registre.en_caisse(apres, "especes") == D("25.00")
    # the cheques deposited on the 3rd
    tout = registre.totaux_entre(regie, None, J3)
    assert registre.en_caisse(tout, "cheque") == D("0.00")


def test_a_regie_without_ledger_reads_empty_and_writes_nothing():
    class Neuve:
        pass

    regie = Neuve()
    assert registre.totaux_avant(regie, J1) == {}
    assert registre.totaux_entre(regie, J1, J3) == {}
    assert registre.documents_du_jour(regie, J1) == []
    assert not hasattr(regie, "caisse")


def test_a_balance_sums_the_months_before_then_the_days_of_its_month():
    regie = remplie()
    found = regie.caisse
    registre.ajouter(found, datetime.date(2025, 3, 31), REGLEMENT, "cheque", D("1.00"))
    registre.ajouter(found, datetime.date(2026, 11, 30), REGLEMENT, "cheque", D("2.00"))
    registre.ajouter(found, datetime.date(2027, 1, 1), REGLEMENT, "cheque", D("4.00"))
    assert registre.totaux_avant(regie, J1)[(REGLEMENT, "cheque")] == (2, D("3.00"))
    assert registre.totaux_avant(regie, J2)[(REGLEMENT, "cheque")] == (4, D("123.00"))
    tout = registre.totaux_entre(regie, None, datetime.date(2026, 12, 31))
    assert tout[(REGLEMENT, "cheque")] == (4, D("123.00"))
    assert registre.totaux_entre(regie, None, datetime.date(2027, 1, 1))[(REGLEMENT, "cheque")] == (
        5,
        D("127.00"),
    )
