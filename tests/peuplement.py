"""Families for the concurrency tests: each with one parent account (its
password already chosen) and its children."""

from substanced.util import find_service


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
