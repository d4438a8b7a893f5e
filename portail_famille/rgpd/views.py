"""Mon compte > "Mes données": the family downloads everything the portal
holds about it, as JSON (complete, machine-readable) or as a readable PDF.

GET only, ``P.FAMILLE_DONNEES_TELECHARGER`` (the family's parents;
administrators hold every permission: their downloads are audited, the
family's are not and write nothing); served as attachments, never cached.
"""

import datetime
import json
import re
from decimal import Decimal

from pyramid.renderers import render
from pyramid.view import view_config

from .. import dates, pdf
from ..demandes.affichage import titre
from ..facturation.corrections import TITRES_REMBOURSEMENT
from ..facturation.resources import TITRES_MODES
from ..familles import partage
from ..familles.resources import IFamille
from ..familles.schemas import MONTANTS, NOMBRES
from ..i18n import _
from ..journal import audit
from ..montants import decimal, euros, nombre
from ..security import P
from ..skin import sans_sous_chemin
from ..tableur import piece_jointe
from .export import donnees, titres

JSON = "mes-donnees.json"
PDF = "mes-donnees.pdf"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T")


def _auditer(request, famille):
    """An administrator downloading a family's data reads its bank details
    and its children's health data: audited (a write on GET, on purpose);
    the family's own parents are not."""
    if audit.noter_personnel(request, famille, audit.BANCAIRES) is None:
        return
    enfants = famille.get("enfants")
    for enfant in enfants.values() if enfants is not None else ():
        audit.noter(request, famille, audit.SANITAIRES, enfant)
    for enfant in partage.enfants_partages(famille):
        audit.noter(request, famille, audit.SANITAIRES, enfant)


def nom_de_fichier(famille, extension):
    day = dates.today().isoformat()
    return "mes-donnees-%s-%s.%s" % (re.sub(r"[^0-9A-Za-z]", "", famille.numero), day, extension)


@view_config(
    context=IFamille,
    name=JSON,
    request_method=("GET", "HEAD"),
    permission=P.FAMILLE_DONNEES_TELECHARGER,
)
def mes_donnees_json(context, request):
    sans_sous_chemin(request)
    _auditer(request, context)
    body = json.dumps(donnees(context, request), ensure_ascii=False, indent=1, sort_keys=True)
    return piece_jointe(body.encode("utf-8"), "application/json", nom_de_fichier(context, "json"))


# --- The readable PDF -----------------------------------------------------------


def lisible(request, value):
    """A JSON value as a person reads it (French)."""
    translate = request.localizer.translate
    if value is None or value == "":
        return ""
    if value is True:
        return translate(_("Oui"))
    if value is False:
        return translate(_("Non"))
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = datetime.datetime.fromisoformat(value)
        return dates.moment(moment)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return dates.courte(datetime.date.fromisoformat(value))
    if isinstance(value, list):
        return "; ".join(lisible(request, v) for v in value)
    if isinstance(value, dict):
        return ", ".join("%s : %s" % (k, lisible(request, v)) for k, v in value.items() if v)
    return str(value)


_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def _valeur(request, name, value):
    """``lisible``, and the record's decimals (strings in the export) the
    French way: "32 500,00 €", "2,5" parts."""
    if isinstance(value, str) and _DECIMAL.match(value):
        if name in MONTANTS:
            return euros(Decimal(value))
        if name in NOMBRES:
            return decimal(Decimal(value))
    return lisible(request, value)


def _champs(request, section, values):
    """[(French title, readable value)] of a section, in the schema's order."""
    translate = request.localizer.translate
    names = titres(section)
    rows = [
        (titre(name, translate(title)), _valeur(request, name, values.get(name)))
        for name, title in names.items()
    ]
    rows.extend((name, lisible(request, v)) for name, v in values.items() if name not in names)
    return [(title, value) for title, value in rows if not isinstance(value, list)]


def _planning(rows):
    """The cells grouped: (month, structure — prestation, state) -> days."""
    groups = {}
    for row in rows:
        day = datetime.date.fromisoformat(row["date"])
        key = (day.strftime("%m/%Y"), day.strftime("%Y-%m"), row["prestation"], row["libelle"])
        groups.setdefault(key, []).append(day.strftime("%d"))
    return [
        {"mois": mois, "prestation": prestation, "etat": etat, "jours": ", ".join(jours)}
        for (mois, _tri, prestation, etat), jours in sorted(groups.items(), key=lambda i: i[0][1:])
    ]


def _nombre(value):
    """'243.20' -> '243,20' (French amounts)."""
    return nombre(Decimal(value)) if value not in (None, "") else ""


def contexte_pdf(request, data):
    translate = request.localizer.translate
    famille = data["famille"]
    sections = (
        ("responsable", _("Responsable")),
        ("conjoint", _("Conjoint")),
        ("fiscales", _("Informations fiscales")),
        ("caf", _("CAF")),
        ("bancaires", _("Informations bancaires")),
    )
    enfants = []
    partages = [(e, True) for e in data.get("enfants_partages", [])]
    for enfant, partage_ in [(e, False) for e in data["enfants"]] + partages:
        personnes = enfant["autorisations"].get("personnes_autorisees") or []
        enfants.append(
            {
                "titre": " ".join(
                    p for p in (enfant["identite"]["prenom"], enfant["identite"]["nom"]) if p
                ),
                "identite": _champs(request, "identite", enfant["identite"]),
                "autorisations": _champs(request, "autorisations", enfant["autorisations"]),
                "personnes": [
                    [lisible(request, p.get(k)) for k in ("nom", "prenom", "lien", "telephone")]
                    for p in personnes
                ],
                "sanitaires": _champs(request, "sanitaires", enfant["sanitaires"]),
                "inscriptions": [
                    dict(i, debut=lisible(request, i["debut"])) for i in enfant["inscriptions"]
                ],
                "planning": _planning(enfant["planning"]),
                "partage": partage_,
            }
        )
    return {
        "numero": famille["numero"],
        "date_export": lisible(request, data["date_export"]),
        "sections": [
            (translate(titre), _champs(request, nom, famille[nom])) for nom, titre in sections
        ],
        "comptes": famille["comptes"],
        "enfants": enfants,
        "demandes": [
            {
                "date": lisible(request, d["date_demande"]),
                "type": d["libelle"],
                "enfant": d["enfant"],
                "etat": d["libelle_etat"],
                "valeurs": lisible(request, d["valeurs"]),
                "motif": d["motif_refus"],
            }
            for d in data["demandes"]
        ],
        "mandats": [
            dict(
                m,
                signe_le=lisible(request, m["signe_le"]),
                revoque_le=lisible(request, m["revoque_le"]),
            )
            for m in data["mandats"]
        ],
        "conversations": [
            {
                "objet": c["objet"],
                "messages": [
                    {
                        "date": lisible(request, m["date"]),
                        "nom": m["nom"] or "",
                        "texte": m["texte"],
                        "piece_jointe": m["piece_jointe"],
                    }
                    for m in c["messages"]
                ],
            }
            for c in data["messages"]
        ],
        "factures": [
            dict(
                f,
                date=lisible(request, f["date"]),
                echeance=lisible(request, f["echeance"]),
                montant=_nombre(f["montant"]),
                reste_a_payer=_nombre(f["reste_a_payer"]),
            )
            for f in data["factures"]
        ],
        "avoirs": [
            dict(a, date=lisible(request, a["date"]), montant=_nombre(a["montant"]))
            for a in data["avoirs"]
        ],
        "reglements": [
            dict(
                r,
                date=lisible(request, r["date"]),
                montant=_nombre(r["montant"]),
                mode=translate(TITRES_MODES.get(r["mode"], r["mode"])),
            )
            for r in data["reglements"]
        ],
        "annulations": [
            dict(a, date=lisible(request, a["date"]), montant=_nombre(a["montant"]))
            for a in data["annulations"]
        ],
        "remboursements": [
            dict(
                r,
                date=lisible(request, r["date"]),
                montant=_nombre(r["montant"]),
                mode=translate(TITRES_REMBOURSEMENT.get(r["mode"], r["mode"])),
            )
            for r in data["remboursements"]
        ],
    }


@view_config(
    context=IFamille,
    name=PDF,
    request_method=("GET", "HEAD"),
    permission=P.FAMILLE_DONNEES_TELECHARGER,
)
def mes_donnees_pdf(context, request):
    sans_sous_chemin(request)
    _auditer(request, context)
    values = contexte_pdf(request, donnees(context, request))
    html = render("templates/mes_donnees_pdf.pt", values, request=request)
    body = pdf.rendre(html, request.registry.settings)
    return piece_jointe(body, "application/pdf", nom_de_fichier(context, "pdf"))
