"""Demo data of the manual: ``portail-famille-demo development.ini``.

Idempotent: what exists is left as it is.  Refused when the configuration
does not say ``portail.demo = true`` (production loads no demo data).
"""

import datetime
import sys

import transaction
from pyramid.settings import asbool
from substanced.util import find_service

from . import dates
from .actualites import demo as demo_actualites
from .comptes import passwords
from .documents import demo as demo_documents
from .familles import partage
from .inscription_en_ligne import demo as demo_inscription_en_ligne
from .messagerie import demo as demo_messagerie
from .prelevement import mandats
from .util import environnement_script, usage

# login -> (password, email, group, must change password at first login);
# every password obeys the policy, even with production's 12 characters.
COMPTES = {
    "jean.dupont": ("Bonbons31400", "jean.dupont@wanadoo.fr", "familles", False),
    "marie.martin": ("Provisoire12", "marie.martin@example.org", "familles", True),
    "agent": ("Enfance2015ej", "agent@mairie-biviers.fr", "agents", False),
    "regisseur": ("Regie2015alsh", "regisseur@mairie-biviers.fr", "regisseurs", False),
    "editeur": ("Cantine2015m", "editeur@mairie-biviers.fr", "editeurs", False),
    # JEANNE, separated from JEAN DUPONT: her own household (JEANNE_FOYER).
    "jeanne.lafond": ("Lotissement31400", "jeanne.lafond@laposte.net", "familles", False),
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
    # The SEPA mandate in force (titular, IBAN, BIC), signed at the start of
    # the current school year: the demo's direct debit.
    "mandat": ("DUPONT JEAN", "FR7630001007941234567890185", "BDFEFRPP"),
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

# DUPONT is "Séparé": JEANNE, the conjoint of JEAN's record, has her own
# household under her own name (LAFOND), which shares LUCAS (garde
# alternée, ``familles.partage``); a name of its own keeps the searches
# for DUPONT on JEAN's household.
# JEAN's household keeps every week (the manual's data and what depends on
# it are unchanged); JEANNE's books the even ISO weeks.
JEANNE_FOYER = {
    "numero": "1001001818332",
    "parent": "jeanne.lafond",
    "responsable": {
        "civilite": "Madame",
        "nom": "LAFOND",
        "prenom": "JEANNE",
        "qualite": "Mère",
        "situation": "Séparé",
        "adresse": "Lotissement les bons bonbons.",
        "code_postal": "31400",
        "ville": "SAINT - JEAN",
        "mobile": "06.07.08.09.10",
        "email": "jeanne.lafond@laposte.net",
        "autorisation_courriel": True,
        "autorisation_sms": False,
    },
    "bancaires": {"titulaire_compte": "LAFOND JEANNE", "organisme_rattachement": "0"},
    "enfants": [],
    # the child of DUPONT shared, by first name; each household's weeks
    "partage": ("LUCAS", partage.PAIRES, partage.TOUTES),
}


REGIE = "Régie garderie ALSH"
SEMAINE = ("1", "2", "4", "5")  # the school days with a canteen
OUVRES = ("1", "2", "3", "4", "5")
DELAIS = {
    "delai_reservation_jours": 2,
    "delai_reservation_heure": "10:00",
    "delai_absence_jours": 2,
    "delai_absence_heure": "10:00",
}


def _prestation(title, code, unite, jours, periodes, capacite, validation):
    return {
        "title": title,
        "code": code,
        "unite": unite,
        "jours": jours,
        "periodes": periodes,
        "capacite": capacite,
        "validation": validation,
        **DELAIS,
    }


# The manual's structures and their seven prestations (April 2015 planning).
STRUCTURES = {
    "accueil-de-loisirs-alsh": (
        "Accueil de Loisirs ALSH",
        {
            "mercredi-apres-midi": _prestation(
                "Mercredi après-midi",
                "ALSH-MAM",
                "demi-journee",
                ("3",),
                ("scolaire",),
                24,
                "automatique",
            ),
            "mercredi-journee": _prestation(
                "Mercredi journée",
                "ALSH-MJ",
                "journee",
                ("3",),
                ("scolaire",),
                24,
                "automatique",
            ),
            "vacances-apres-midi": _prestation(
                "Vacances après-midi",
                "ALSH-VAM",
                "demi-journee",
                OUVRES,
                ("vacances",),
                40,
                "agent",
            ),
            "vacances-journee": _prestation(
                "Vacances journée",
                "ALSH-VJ",
                "journee",
                OUVRES,
                ("vacances",),
                40,
                "agent",
            ),
            "vacances-matin": _prestation(
                "Vacances matin",
                "ALSH-VM",
                "demi-journee",
                OUVRES,
                ("vacances",),
                40,
                "agent",
            ),
        },
    ),
    "garderie-periscolaire": (
        "Garderie périscolaire",
        {
            "garderie-matin": _prestation(
                "Garderie matin",
                "GAR-M",
                "heure",
                SEMAINE,
                ("scolaire",),
                30,
                "automatique",
            ),
            "restauration-scolaire": _prestation(
                "Restauration scolaire",
                "REST",
                "repas",
                SEMAINE,
                ("scolaire",),
                120,
                "automatique",
            ),
        },
    ),
}


def annees_scolaires(today=None):
    """The manual's school year 2014-2015 and the current one
    (1 September -> 5 July)."""
    today = today or dates.today()
    debut = today.year if today.month >= 8 else today.year - 1
    annees = {}
    for year in (2014, debut):
        annees["%d-%d" % (year, year + 1)] = (
            datetime.date(year, 9, 1),
            datetime.date(year + 1, 7, 5),
        )
    return annees


def load_regie(root, registry):
    """The régie of the demo's prestations (made when missing)."""
    regie = root["regies"].get("regie-garderie-alsh")
    if regie is None:
        regie = registry.content.create(
            "Regie",
            title=REGIE,
            prefixe="AL-",
            echeance_jours=22,
            numcli="000000",
            adresse="Mairie de Biviers, régie garderie ALSH, 38330 Biviers",
        )
        root["regies"].add("regie-garderie-alsh", regie, registry=registry)
    return regie


def load_activites(root, registry):
    """The structures, their prestations (billed by the demo's régie) and
    the school years."""
    content = registry.content
    regie = load_regie(root, registry)
    structures = root["structures"]
    for name, (title, prestations) in STRUCTURES.items():
        if name not in structures:
            structures.add(name, content.create("Structure", title=title), registry=registry)
        structure = structures[name]
        for pname, values in prestations.items():
            if pname not in structure:
                prestation = content.create("Prestation", regie=regie, **values)
                structure.add(pname, prestation, registry=registry)
    calendrier = root["calendrier"]
    for libelle, (debut, fin) in annees_scolaires().items():
        if libelle not in calendrier:
            annee = content.create("AnneeScolaire", libelle=libelle, debut=debut, fin=fin)
            calendrier.add(libelle, annee, registry=registry)


# The DUPONT child's inscriptions: (structure, prestation) -> regular
# contract.  2014-2015: the seven prestations of the manual's planning; the
# current school year: the canteen and Wednesday afternoons.
INSCRIPTIONS_2014 = {
    (structure, prestation): SEMAINE if prestation == "restauration-scolaire" else ()
    for structure, (_title, prestations) in STRUCTURES.items()
    for prestation in prestations
}
INSCRIPTIONS_COURANTES = {
    ("garderie-periscolaire", "restauration-scolaire"): SEMAINE,
    ("accueil-de-loisirs-alsh", "mercredi-apres-midi"): (),
}


def inscriptions_demo(today=None):
    """{libellé of the school year: {(structure, prestation): weekdays}}."""
    libelles = sorted(annees_scolaires(today))
    found = {"2014-2015": INSCRIPTIONS_2014}
    courante = libelles[-1]
    if courante != "2014-2015":
        found[courante] = INSCRIPTIONS_COURANTES
    return found


def load_inscriptions(root, registry):
    """The DUPONT child's inscriptions that do not exist yet."""
    from substanced.util import get_oid

    from .inscriptions import cle, inscrire
    from .planning.service import reserver_contrat

    enfants = root["familles"][DUPONT["numero"]]["enfants"]
    enfant = next(e for e in enfants.values() if e.prenom == DUPONT["enfants"][0]["prenom"])
    calendrier = root["calendrier"]
    for libelle, prestations in inscriptions_demo().items():
        debut = calendrier[libelle].debut
        for (structure, prestation), jours in prestations.items():
            oid = get_oid(root["structures"][structure][prestation])
            if cle(libelle, oid) not in enfant.inscriptions:
                inscription = inscrire(enfant, oid, libelle, debut, jours)
                if libelle != "2014-2015":
                    # The current year's contract books its days (2014-2015
                    # keeps the manual's April grid as printed).
                    reserver_contrat(enfant, inscription, registry.settings)


# The ✓ cells of the manual's April 2015 planning for the DUPONT child:
# (structure, prestation) -> days of April 2015.  The dates are those of the
# manual's columns as printed (its header has typos: "Ma 13", "Je 30"...),
# so "Mercredi journée" is ticked on 7 April as the manual shows it.  All are
# "present_reserve" (present on a reserved day): the month is over.
PLANNING_AVRIL_2015 = {
    ("accueil-de-loisirs-alsh", "mercredi-apres-midi"): (8, 29),
    ("accueil-de-loisirs-alsh", "mercredi-journee"): (7, 28),
    ("accueil-de-loisirs-alsh", "vacances-journee"): (13, 14, 15, 16, 17),
    ("garderie-periscolaire", "restauration-scolaire"): (28, 29),
}


def load_planning(root, registry):
    """The DUPONT child's April 2015 cells that do not exist yet."""
    from substanced.util import get_oid

    from .planning.cells import PRESENT_RESERVE, cellules, set_cell

    enfants = root["familles"][DUPONT["numero"]]["enfants"]
    enfant = next(e for e in enfants.values() if e.prenom == DUPONT["enfants"][0]["prenom"])
    for (structure, prestation), days in PLANNING_AVRIL_2015.items():
        oid = get_oid(root["structures"][structure][prestation])
        for day in days:
            key = (oid, datetime.date(2015, 4, day))
            tree = cellules(enfant)
            if tree is None or key not in tree:
                set_cell(enfant, oid, key[1], PRESENT_RESERVE)


# Unit prices by quotient familial bracket (lowest quotient, price).  The
# DUPONT family has no known quotient: it pays the last bracket, which makes
# the manual's April 2015 invoice AL-36 (120.60) from its April planning.
TARIFS = {
    "mercredi-apres-midi": (("0", "3.60"), ("700", "5.40"), ("1200", "7.20")),
    "mercredi-journee": (("0", "6.30"), ("700", "9.45"), ("1200", "12.60")),
    "vacances-apres-midi": (("0", "3.60"), ("700", "5.40"), ("1200", "7.20")),
    "vacances-journee": (("0", "7.30"), ("700", "10.95"), ("1200", "14.60")),
    "vacances-matin": (("0", "3.60"), ("700", "5.40"), ("1200", "7.20")),
    "garderie-matin": (("0", "1.10"), ("700", "1.65"), ("1200", "2.20")),
    "restauration-scolaire": (("0", "2.00"), ("700", "3.00"), ("1200", "4.00")),
}
# The manual's invoice of February-March 2015 (no planning is kept for those
# months): (prestation, quantity).  4.00 x 30 + 12.60 x 4 + 7.20 x 4
# + 2.20 x 20 = 243.20.
AL_12 = (
    ("garderie-periscolaire", "restauration-scolaire", 30),
    ("accueil-de-loisirs-alsh", "mercredi-journee", 4),
    ("accueil-de-loisirs-alsh", "mercredi-apres-midi", 4),
    ("garderie-periscolaire", "garderie-matin", 20),
)


def load_facturation(root, registry, mois_passes=False, today=None):
    """The régie, the tariffs, the manual's operations of the DUPONT family
    (AL-12, AL-228, AL-36) when they do not exist yet; with ``mois_passes``
    (the demo command), the invoicing runs of the current school year's
    past months (``facturer_mois_passes``).  The tests' demo data leaves
    them out: the régie's next number there stays AL-229."""
    from . import dates
    from .facturation import tarifs

    regie = load_regie(root, registry)
    for structure, (_title, prestations) in STRUCTURES.items():
        for name in prestations:
            prestation = root["structures"][structure][name]
            if not tarifs.tranches(prestation):
                tarifs.definir(prestation, TARIFS[name])
    operations_du_manuel(root, registry, regie)
    if mois_passes:
        facturer_mois_passes(root, registry, regie, today or dates.today())


def operations_du_manuel(root, registry, regie):
    """AL-12, AL-228 and AL-36 of the DUPONT family, once."""
    from decimal import Decimal

    from substanced.util import get_oid

    from .facturation import service, tarifs

    famille = root["familles"][DUPONT["numero"]]
    if "AL-12" in famille["factures"]:
        return
    enfant = next(
        e for e in famille["enfants"].values() if e.prenom == DUPONT["enfants"][0]["prenom"]
    )
    jour = datetime.date(2015, 4, 8)

    def prestation(structure, name):
        return root["structures"][structure][name]

    lignes = [
        service.ligne(enfant, prestation(s, p), q, tarifs.prix(prestation(s, p), None))
        for s, p, q in AL_12
    ]
    service.emettre_facture(
        famille,
        regie,
        jour,
        datetime.date(2015, 2, 1),
        datetime.date(2015, 3, 31),
        lignes,
        echeance=datetime.date(2015, 4, 30),
        numero="AL-12",
        registry=registry,
    )
    service.enregistrer_reglement(
        famille,
        regie,
        jour,
        Decimal("243.20"),
        "cheque",
        numeros=["AL-12"],
        numero="AL-228",
        registry=registry,
    )
    lignes, cellules = [], []
    for (s, p), days in PLANNING_AVRIL_2015.items():
        presta = prestation(s, p)
        lignes.append(service.ligne(enfant, presta, len(days), tarifs.prix(presta, None)))
        oid = get_oid(presta)
        cellules += [(enfant.__name__, oid, datetime.date(2015, 4, d)) for d in days]
    service.emettre_facture(
        famille,
        regie,
        jour,
        datetime.date(2015, 4, 1),
        datetime.date(2015, 4, 30),
        lignes,
        cellules=cellules,
        echeance=datetime.date(2015, 4, 30),
        numero="AL-36",
        registry=registry,
    )


def facturer_mois_passes(root, registry, regie, today):
    """A real invoicing run (facturation.campagne) of ``regie`` for each
    month of the current school year that is over, dated the first day of
    the next month, as the régisseur would have run it; a month that has
    been run already is left alone (the cells it billed are never billed
    twice anyway)."""
    from .facturation import campagne
    from .planning.cells import bornes

    annees = [a for a in root["calendrier"].annees() if a.debut <= today]
    if not annees:
        return
    annee = annees[-1]
    faites = {(run.debut, run.fin) for run in campagne.campagnes(regie)}
    debut = annee.debut.replace(day=1)
    while True:
        premier, dernier = bornes(debut.year, debut.month)
        if dernier >= today or premier > annee.fin:
            break
        if (premier, dernier) not in faites:
            campagne.valider(
                root,
                regie,
                premier,
                dernier,
                dernier + datetime.timedelta(days=1),
                par="demo",
                registry=registry,
                aujourdhui=today,
            )
        debut = dernier + datetime.timedelta(days=1)


def debut_annee_scolaire(today=None):
    """The 1st of September of the current school year."""
    today = today or dates.today()
    return datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def load(root, registry, mois_passes=False):
    """Create the demo accounts, families, structures and school years that
    do not exist yet; ``mois_passes``: and bill the current school year's
    past months (``load_facturation``)."""
    load_activites(root, registry)
    content = registry.content
    principals = find_service(root, "principals")
    users = principals["users"]
    groups = principals["groups"]
    for login, (password, email, group, must_change) in COMPTES.items():
        if login in users:
            continue
        found = passwords.check(registry.settings, password, login)
        if found:
            raise ValueError(
                "demo password of %s: %s" % (login, " ".join(p.interpolate() for p in found))
            )
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
        mandat = data.get("mandat")
        if mandat is not None:
            mandats.signer(famille, *mandat, debut_annee_scolaire(), par=data["parent"])
    load_foyer_partage(root, registry, users)
    load_inscriptions(root, registry)
    load_planning(root, registry)
    load_facturation(root, registry, mois_passes=mois_passes)
    demo_actualites.load(root, registry)
    demo_documents.load(root, registry)
    demo_messagerie.load(root, registry, DUPONT["numero"])
    # The current school year's activity open for online enrolment.
    demo_inscription_en_ligne.load(root, registry, root["calendrier"].annees()[-1])


def load_foyer_partage(root, registry, users):
    """JEANNE's household, sharing LUCAS with JEAN's (idempotent)."""
    data = JEANNE_FOYER
    familles = root["familles"]
    if data["numero"] in familles:
        return
    sections = {
        k: data.get(k, {}) for k in ("responsable", "conjoint", "fiscales", "caf", "bancaires")
    }
    famille = registry.content.create("Famille", **sections)
    familles[data["numero"]] = famille
    famille.rattacher_parent(users[data["parent"]])
    prenom, semaines, semaines_principal = data["partage"]
    for enfant in familles[DUPONT["numero"]]["enfants"].values():
        if enfant.prenom == prenom:
            partage.partager(
                enfant, famille, partage.Garde(semaines), partage.Garde(semaines_principal)
            )


def main(argv=sys.argv):
    if usage(argv):
        return 2
    with environnement_script(argv[1]) as env:
        if not asbool(env["registry"].settings.get("portail.demo", False)):
            sys.stderr.write("portail.demo is not true in %s: no demo data loaded.\n" % argv[1])
            return 1
        load(env["root"], env["registry"], mois_passes=True)
        transaction.commit()
    print("Demo data loaded.")
    return 0
