"""Demo data of the manual: ``portail-famille-demo development.ini``.

Idempotent: what exists is left as it is.  Refused when the configuration
does not say ``portail.demo = true`` (production loads no demo data).
"""

import datetime
import sys

import transaction
from pyramid.paster import bootstrap, setup_logging
from pyramid.settings import asbool
from substanced.util import find_service

# login -> (password, email, group, must change password at first login)
COMPTES = {
    "jean.dupont": ("Bonbons31400", "jean.dupont@wanadoo.fr", "familles", False),
    "marie.martin": ("Provisoire1", "marie.martin@example.org", "familles", True),
    "agent": ("Agent2015ej", "agent@mairie-biviers.fr", "agents", False),
    "regisseur": ("Regie2015al", "regisseur@mairie-biviers.fr", "regisseurs", False),
    "editeur": ("Editeur2015m", "editeur@mairie-biviers.fr", "editeurs", False),
}

DUPONT = {
    "numero": "1001001818331",
    "parent": "jean.dupont",
    "responsable": {
        "civilite": "Monsieur",
        "nom": "DUPONT",
        "prenom": "JEAN",
        "qualite": "Père",
        "situation": "Séparé",
        "adresse": "12 RUE DES BONBONS",
        "code_postal": "31400",
        "ville": "SAINT - JEAN",
        "telephone_domicile": "01.02.03.04.05",
        "telephone_prof": "",
        "mobile": "",
        "email": "jean.dupont@wanadoo.fr",
        "profession": "",
        "csp": "",
        "employeur": "",
        "adresse_employeur": "",
        "autorisation_courriel": True,
        "autorisation_sms": False,
    },
    "conjoint": {
        "civilite": "Madame",
        "nom": "DUPONT",
        "prenom": "JEANNE",
        "qualite": "Mère",
        "adresse": "Lotissement les bons bonbons.",
        "code_postal": "31400",
        "ville": "SAINT - JEAN",
        "autorisation_courriel": True,
        "autorisation_sms": False,
    },
    "fiscales": {},
    "caf": {"regime": "Général", "numero_allocataire": "1234567", "quotient_familial": None},
    "bancaires": {
        "titulaire_compte": "DUPONT JEAN",
        "nom_banque": "",
        "organisme_rattachement": "0",
    },
    "enfants": [
        {
            "nom": "DUPONT",
            "prenom": "LUCAS",
            "sexe": "M",
            "date_naissance": datetime.date(2008, 5, 14),
            "ecole": "École élémentaire Jules Ferry",
            "classe": "CE1",
        }
    ],
}

MARTIN = {
    "numero": "1001001818400",
    "parent": "marie.martin",
    "responsable": {
        "civilite": "Madame",
        "nom": "MARTIN",
        "prenom": "MARIE",
        "qualite": "Mère",
        "situation": "Marié(e)",
        "adresse": "3 PLACE DE LA MAIRIE",
        "code_postal": "38330",
        "ville": "BIVIERS",
        "telephone_domicile": "04.76.00.00.00",
        "email": "marie.martin@example.org",
        "autorisation_courriel": True,
        "autorisation_sms": True,
    },
    "bancaires": {"titulaire_compte": "MARTIN MARIE", "organisme_rattachement": "0"},
    "enfants": [
        {
            "nom": "MARTIN",
            "prenom": "CHLOÉ",
            "sexe": "F",
            "date_naissance": datetime.date(2017, 9, 2),
            "ecole": "École maternelle Les Tilleuls",
            "classe": "GS",
        }
    ],
}


def load(root, registry):
    """Create the demo accounts and families that do not exist yet."""
    content = registry.content
    principals = find_service(root, "principals")
    users = principals["users"]
    groups = principals["groups"]
    for login, (password, email, group, must_change) in COMPTES.items():
        if login in users:
            continue
        user = principals.add_user(login, password, email, registry=registry)
        user.must_change_password = must_change
        groups[group].memberids.connect([user])
    for data in (DUPONT, MARTIN):
        familles = root["familles"]
        if data["numero"] in familles:
            continue
        sections = {
            k: data.get(k, {}) for k in ("responsable", "conjoint", "fiscales", "caf", "bancaires")
        }
        famille = content.create("Famille", **sections)
        familles[data["numero"]] = famille
        for identite in data["enfants"]:
            enfant = content.create("Enfant", **identite)
            famille["enfants"].add_next(enfant, registry=registry)
        famille.rattacher_parent(users[data["parent"]])


def main(argv=sys.argv):
    if len(argv) != 2:
        sys.stderr.write("usage: %s <config.ini>\n" % argv[0])
        return 2
    setup_logging(argv[1])
    with bootstrap(argv[1]) as env:
        try:
            if not asbool(env["registry"].settings.get("portail.demo", False)):
                sys.stderr.write("portail.demo is not true in %s: no demo data loaded.\n" % argv[1])
                return 1
            load(env["root"], env["registry"])
            transaction.commit()
        finally:
            close_databases(env["registry"])
    print("Demo data loaded.")
    return 0


def close_databases(registry):
    for db in getattr(registry, "_zodb_databases", {}).values():
        db.close()
