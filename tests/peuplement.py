"""Families for the tests that need many: with one parent account (its
password already chosen) and its children (the concurrency tests), or
one child each booked on the canteen in May 2015 (the invoicing runs)."""

import datetime

from substanced.util import find_service, get_oid

from portail_famille.inscriptions import inscrire
from portail_famille.planning import cells


def familles(root, registry, nombre, enfants, prefixe, password):
    """``nombre`` families numbered "<prefixe><n on 5 digits>", parent
    ``<prefixe>p<n>``, ``enfants`` children each.  Returns [(login, child,
    child url)]."""
    principals = find_service(root, "principals")
    found = []
    for n in range(nombre):
        numero = "%s%05d" % (prefixe, n)
        famille = registry.content.create("Famille", responsable={"nom": "F%s-%d" % (prefixe, n)})
        root["familles"][numero] = famille
        login = "%sp%d" % (prefixe, n)
        user = principals.add_user(login, password, "%s@example.org" % login, registry=registry)
        user.must_change_password = False
        principals["groups"]["familles"].memberids.connect([user])
        famille.rattacher_parent(user)
        for c in range(enfants):
            enfant = registry.content.create("Enfant", nom="F%d" % n, prenom="E%d" % c)
            famille["enfants"].add_next(enfant, registry=registry)
            found.append((login, enfant, "/familles/%s/enfants/%s/" % (numero, enfant.__name__)))
    return found


def cantine_mai_2015(root, registry, nombre, prefixe, jours, nom="LOT"):
    """``nombre`` families numbered "<prefixe><n on 5 digits>", one child
    each ("<nom><n>"), enrolled in the canteen for 2014-2015 and booked on
    ``jours`` of May 2015.  Returns the canteen's oid."""
    oid = get_oid(root["structures"]["garderie-periscolaire"]["restauration-scolaire"])
    for n in range(nombre):
        famille = registry.content.create("Famille", responsable={"nom": "%s%d" % (nom, n)})
        root["familles"]["%s%05d" % (prefixe, n)] = famille
        enfant = registry.content.create("Enfant", nom="%s%d" % (nom, n), prenom="E")
        famille["enfants"].add_next(enfant, registry=registry)
        inscrire(enfant, oid, "2014-2015", datetime.date(2014, 9, 1))
        for day in jours:
            cells.set_cell(enfant, oid, datetime.date(2015, 5, day), cells.RESERVE)
    return oid
