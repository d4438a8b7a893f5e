"""A Régie's tabs of its cash desk, for régisseurs and administrators:

- "Caisse" (``@@caisse?jour=2026-12-07``, today by default): the cash
  journal of a day per mode (opening balance, payments, cancellations,
  refunds, deposits, closing balance), the day's lines with their
  receipts, exported as CSV, XLSX (``tableur``) or PDF;
- "Bordereaux de remise" (``@@bordereaux``): the cheques and the cash in
  the till, ticked, then a confirmation page, then the numbered slip
  (``@@bordereau?numero=BRC-2026-001`` and its frozen PDF
  ``@@bordereau-pdf``); the slips made;
- "Récapitulatif mensuel" (``@@recapitulatif?mois=2026-05``): the month's
  figures for the town's accounts, as CSV, XLSX or PDF.

Reading: ``P.CAISSE_VOIR``; making a slip: ``P.CAISSE_GERER``.  A GET
writes nothing (but a slip's PDF frozen at its first download, when it
could not be when the slip was made).
"""

import datetime
import re
from decimal import Decimal
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.renderers import render
from substanced.sdi import mgmt_view

from .. import dates, pdf, tableur
from ..facturation import figement
from ..facturation import pdf as documents_pdf
from ..facturation.regies import IRegie
from ..i18n import _
from ..montants import ZERO, euros
from ..security import P, login
from . import service
from .registre import MODES_REMISE
from .resources import NATURES

TEMPLATES = "portail_famille.caisse:templates/"
ETAT_PDF = TEMPLATES + "etat_pdf.pt"
_MOIS = re.compile(r"^(\d{4})-(\d{1,2})$")


def _tr(request, value):
    return request.localizer.translate(value)


def _montant(value):
    return "" if value is None else euros(value)


def jour_demande(request):
    """(day, error) of ``?jour=`` (AAAA-MM-JJ or jj/mm/aaaa); today without
    it; today and a French message when it is not a date."""
    value = request.GET.get("jour", "")
    if not value:
        return dates.today(), None
    day = dates.lire_date(value)
    if day is None:
        return dates.today(), _("Date invalide (AAAA-MM-JJ ou jj/mm/aaaa).")
    return day, None


def mois_demande(request):
    """((year, month), error) of ``?mois=2026-05``; this month without it."""
    today = dates.today()
    value = request.GET.get("mois", "")
    if not value:
        return (today.year, today.month), None
    match = _MOIS.match(value.strip()) if isinstance(value, str) else None
    if match and 2000 <= int(match.group(1)) <= 2100 and 1 <= int(match.group(2)) <= 12:
        return (int(match.group(1)), int(match.group(2))), None
    return (today.year, today.month), _("Mois invalide (AAAA-MM, par exemple 2026-05).")


def _telechargement(request, titre, tables, filename, format_):
    """The CSV (tables one after the other, a blank row between), XLSX
    (a sheet each) or PDF of ``tables``: [(title, headers, rows)]."""
    if format_ == "csv":
        lignes = []
        for numero, (_titre, entetes, rows) in enumerate(tables):
            if numero:
                lignes += [[], entetes]
            lignes += rows
        return tableur.piece_jointe(
            tableur.csv_de(tables[0][1], lignes), tableur.CSV, filename + ".csv"
        )
    if format_ == "xlsx":
        return tableur.piece_jointe(tableur.xlsx_feuilles(tables), tableur.XLSX, filename + ".xlsx")
    html = render(
        ETAT_PDF,
        {
            "titre": titre,
            "tables": [
                (t, e, [[euros(v) if _decimal(v) else v for v in row] for row in rows])
                for t, e, rows in tables
            ],
        },
        request=request,
    )
    body = pdf.rendre(html, request.registry.settings)
    return tableur.piece_jointe(body, "application/pdf", filename + ".pdf")


def _exports(nom):
    """The views @@<nom>-csv, -xlsx and -pdf of a régie, all one function
    (which reads the format at the end of ``request.view_name``)."""

    def enregistrer(fonction):
        for format_ in ("csv", "xlsx", "pdf"):
            fonction = mgmt_view(
                context=IRegie,
                name="%s-%s" % (nom, format_),
                permission=P.CAISSE_VOIR,
                request_method="GET",
                tab_condition=False,
            )(fonction)
        return fonction

    return enregistrer


def _decimal(value):
    return isinstance(value, Decimal)


# --- Caisse: the cash journal of a day ---------------------------------------------------


class _Onglet:
    def __init__(self, context, request):
        self.context = context
        self.request = request

    def url(self, vue, **query):
        path = self.request.sdiapi.mgmt_path(self.context, "@@" + vue)
        return path + ("?" + urlencode(query) if query else "")


@mgmt_view(
    context=IRegie,
    name="caisse",
    tab_title=_("Caisse"),
    permission=P.CAISSE_VOIR,
    renderer=TEMPLATES + "caisse.pt",
    request_method="GET",
)
class CaisseView(_Onglet):
    def __call__(self):
        request = self.request
        jour, erreur = jour_demande(request)
        if erreur is not None:
            request.response.status = 400
        found = service.journal(request, self.context, jour)
        lignes = []
        for ligne in found["lignes"]:
            document = ligne["document"]
            lignes.append(
                {
                    **ligne,
                    "montant": euros(ligne["montant"]),
                    "negatif": ligne["montant"] < 0,
                    "url": request.sdiapi.mgmt_path(ligne["famille_objet"], "@@compte"),
                    "pdf": request.resource_path(document, documents_pdf.PDF),
                }
            )
        iso = jour.isoformat()
        veille = (jour - datetime.timedelta(days=1)).isoformat()
        lendemain = (jour + datetime.timedelta(days=1)).isoformat()
        return {
            "regie": self.context,
            "jour": iso,
            "jour_texte": dates.en_toutes_lettres(jour),
            "erreur": _tr(request, erreur) if erreur else "",
            "modes": [
                {
                    **m,
                    **{
                        k: _montant(m[k])
                        for k in (
                            "ouverture",
                            "entrees",
                            "annulations",
                            "remboursements",
                            "remises",
                            "cloture",
                        )
                    },
                }
                for m in found["modes"]
            ],
            "totaux": {k: euros(v) for k, v in found["totaux"].items()},
            "lignes": lignes,
            "action": self.url("caisse"),
            "veille": self.url("caisse", jour=veille),
            "lendemain": self.url("caisse", jour=lendemain),
            "exports": [
                (fmt.upper(), self.url("caisse-" + fmt, jour=iso)) for fmt in ("csv", "xlsx", "pdf")
            ],
            "bordereaux": self.url("bordereaux"),
            "remises": [
                {
                    "numero": b.numero,
                    "nature": _tr(request, NATURES.get(b.nature, b.nature)),
                    "nombre": b.nombre,
                    "total": euros(b.total),
                    "url": self.url("bordereau", numero=b.numero),
                }
                for b in service.bordereaux(self.context, jour.year)
                if b.date == jour
            ],
        }


def tables_journal(request, regie, jour):
    found = service.journal(request, regie, jour)
    tr = lambda value: _tr(request, value)  # noqa: E731
    modes = (
        tr(_("Mode")),
        tr(_("Solde d'ouverture")),
        tr(_("Encaissements")),
        tr(_("Nombre")),
        tr(_("Annulations")),
        tr(_("Remboursements")),
        tr(_("Remises en banque")),
        tr(_("Solde de clôture")),
    )
    lignes_modes = [
        [
            m["mode"],
            m["ouverture"],
            m["entrees"],
            m["nombre"],
            m["annulations"],
            m["remboursements"],
            m["remises"],
            m["cloture"],
        ]
        for m in found["modes"]
    ]
    t = found["totaux"]
    lignes_modes.append(
        [
            tr(_("Total")),
            t["ouverture"],
            t["entrees"],
            "",
            t["annulations"],
            t["remboursements"],
            t["remises"],
            t["cloture"],
        ]
    )
    operations = (
        tr(_("Date")),
        tr(_("Heure")),
        tr(_("Nature")),
        tr(_("N°")),
        tr(_("Famille")),
        tr(_("Mode")),
        tr(_("Référence")),
        tr(_("Montant")),
        tr(_("Observation")),
    )
    lignes = [
        [
            dates.courte(jour),
            ligne["heure"],
            ligne["nature"],
            ligne["numero"],
            ligne["famille"],
            ligne["mode"],
            ligne["reference"],
            ligne["montant"],
            ligne["mention"],
        ]
        for ligne in found["lignes"]
    ]
    return [(tr(_("Par mode")), modes, lignes_modes), (tr(_("Opérations")), operations, lignes)]


def _export_journal(context, request, format_):
    jour, erreur = jour_demande(request)
    if erreur is not None:
        raise HTTPBadRequest(_tr(request, erreur))
    titre = _tr(
        request,
        _(
            "Journal de caisse — ${regie} — ${jour}",
            mapping={"regie": context.title, "jour": dates.courte(jour)},
        ),
    )
    return _telechargement(
        request,
        titre,
        tables_journal(request, context, jour),
        "journal-caisse-%s-%s" % (tableur.nom_de_fichier(context.__name__), jour.isoformat()),
        format_,
    )


@_exports("caisse")
def caisse_export(context, request):
    """@@caisse-csv, -xlsx, -pdf: the format is the view name's end."""
    return _export_journal(context, request, request.view_name.rsplit("-", 1)[1])


# --- Bordereaux de remise -----------------------------------------------------------------


def _reglement(reglement, coche=True):
    return {
        "numero": reglement.numero,
        "date": dates.courte(reglement.date),
        "famille": service._nom(reglement.famille),
        "reference": reglement.reference,
        "montant": euros(reglement.montant),
        "coche": coche,
    }


@mgmt_view(
    context=IRegie,
    name="bordereaux",
    tab_title=_("Bordereaux de remise"),
    permission=P.CAISSE_VOIR,
    renderer=TEMPLATES + "bordereaux.pt",
    request_method="GET",
)
class BordereauxView(_Onglet):
    """The till's cheques and cash, ticked (GET); "Préparer le bordereau"
    shows what the slip will hold (POST, nothing written); "Confirmer le
    bordereau" makes it."""

    def __call__(self):
        return self.show()

    @property
    def peut_gerer(self):
        return bool(self.request.has_permission(P.CAISSE_GERER, self.context))

    def nature(self):
        value = self.request.params.get("nature", "cheque")
        return value if value in MODES_REMISE else "cheque"

    def annee(self):
        """The year of the slips listed (``?annee=2025``), this one by default."""
        value = self.request.GET.get("annee", "")
        if isinstance(value, str) and value.isdigit() and 2000 <= int(value) <= 2100:
            return int(value)
        return dates.today().year

    def show(self, erreur=None, cochees=None):
        request = self.request
        nature = self.nature()
        attente = service.a_remettre(self.context, nature)
        annee = self.annee()
        if erreur is not None:
            request.response.status = 400
        return {
            "regie": self.context,
            "nature": nature,
            "natures": [
                {
                    "code": code,
                    "titre": _tr(request, NATURES[code]),
                    "url": self.url("bordereaux", nature=code),
                    "active": code == nature,
                }
                for code in MODES_REMISE
            ],
            "titre_nature": _tr(request, NATURES[nature]),
            "attente": [_reglement(r, cochees is None or r.numero in cochees) for r in attente],
            "total": euros(sum((r.montant for r in attente), ZERO)),
            "bordereaux": [
                {
                    "numero": b.numero,
                    "date": dates.courte(b.date),
                    "nature": _tr(request, NATURES.get(b.nature, b.nature)),
                    "nombre": b.nombre,
                    "total": euros(b.total),
                    "url": self.url("bordereau", numero=b.numero),
                    "pdf": self.url("bordereau-pdf", numero=b.numero),
                    "texte_pdf": _tr(
                        request,
                        _("Imprimer le bordereau ${numero} (PDF)", mapping={"numero": b.numero}),
                    ),
                }
                for b in service.bordereaux(self.context, annee)
            ],
            "annee": annee,
            "annees": [
                {"annee": a, "url": self.url("bordereaux", nature=nature, annee=a)}
                for a in sorted({annee, *service.annees(self.context)}, reverse=True)
            ],
            "peut_gerer": self.peut_gerer,
            "erreur": _tr(request, erreur) if erreur else "",
            "confirmation": None,
            "action": self.url("bordereaux"),
            "csrf_token": request.session.get_csrf_token(),
        }

    def choisis(self):
        numeros = [n for n in self.request.POST.getall("reglements") if isinstance(n, str)]
        return list(dict.fromkeys(numeros))

    @mgmt_view(
        context=IRegie,
        name="bordereaux",
        permission=P.CAISSE_GERER,
        renderer=TEMPLATES + "bordereaux.pt",
        request_method="POST",
        tab_condition=False,
    )
    def preparer(self):
        """What the slip will hold, to confirm (nothing written)."""
        request = self.request
        numeros = self.choisis()
        nature = self.nature()
        attente = {r.numero: r for r in service.a_remettre(self.context, nature)}
        if not numeros:
            return self.show(_("Cochez au moins un règlement à remettre."), set())
        inconnus = [n for n in numeros if n not in attente]
        if inconnus:
            return self.show(
                _(
                    "Le règlement ${numero} n'est plus à remettre (déjà sur un bordereau "
                    "ou annulé).",
                    mapping={"numero": inconnus[0][:20]},
                ),
                set(numeros),
            )
        choisis = [attente[n] for n in numeros]
        values = self.show(cochees=set(numeros))
        total = sum((r.montant for r in choisis), ZERO)
        values["confirmation"] = {
            "texte": _tr(
                request,
                _(
                    "Bordereau de remise — ${nature} : ${nombre} règlement(s), total ${total}, "
                    "daté du ${date}. Un bordereau numéroté ne peut plus être modifié ni "
                    "supprimé.",
                    mapping={
                        "nature": _tr(request, NATURES[nature]),
                        "nombre": len(choisis),
                        "total": euros(total),
                        "date": dates.courte(dates.today()),
                    },
                ),
            ),
            "reglements": [
                _reglement(r) for r in sorted(choisis, key=lambda r: (r.date, r.numero))
            ],
            "total": euros(total),
        }
        return values

    @mgmt_view(
        context=IRegie,
        name="bordereaux",
        permission=P.CAISSE_GERER,
        renderer=TEMPLATES + "bordereaux.pt",
        request_method="POST",
        request_param="confirmer",
        tab_condition=False,
    )
    def confirmer(self):
        """ "Confirmer le bordereau": the slip is numbered, its PDF frozen
        once the transaction commits."""
        request = self.request
        numeros = self.choisis()
        try:
            bordereau = service.creer_bordereau(
                self.context, self.nature(), numeros, dates.today(), par=login(request)
            )
        except service.CaisseError as refus:
            request.tm.doom()
            return self.show(refus.args[0], set(numeros))
        figement.a_figer(bordereau, request)
        request.sdiapi.flash(
            _tr(
                request,
                _(
                    "Bordereau ${numero} établi : ${nombre} règlement(s), ${total}.",
                    mapping={
                        "numero": bordereau.numero,
                        "nombre": bordereau.nombre,
                        "total": euros(bordereau.total),
                    },
                ),
            ),
            "success",
        )
        return HTTPFound(self.url("bordereau", numero=bordereau.numero))


def _bordereau_demande(context, request):
    found = service.bordereau(context, request.GET.get("numero"))
    if found is None:
        raise HTTPNotFound(_tr(request, _("Ce bordereau n'existe pas.")))
    return found


@mgmt_view(
    context=IRegie,
    name="bordereau",
    permission=P.CAISSE_VOIR,
    renderer=TEMPLATES + "bordereau.pt",
    request_method="GET",
    tab_condition=False,
)
def bordereau_view(context, request):
    bordereau = _bordereau_demande(context, request)
    path = request.sdiapi.mgmt_path(context, "@@bordereau-pdf")
    return {
        "regie": context,
        "bordereau": bordereau,
        "nature": _tr(request, NATURES.get(bordereau.nature, bordereau.nature)),
        "date": dates.courte(bordereau.date),
        "emis_le": dates.moment(bordereau.emis_le),
        "lignes": [
            {
                **ligne,
                "date": dates.courte(ligne["date"]),
                "montant": euros(ligne["montant"]),
            }
            for ligne in bordereau.lignes
        ],
        "total": euros(bordereau.total),
        "pdf": path + "?" + urlencode({"numero": bordereau.numero}),
        "liste": request.sdiapi.mgmt_path(context, "@@bordereaux"),
    }


@mgmt_view(
    context=IRegie,
    name="bordereau-pdf",
    permission=P.CAISSE_VOIR,
    request_method=("GET", "HEAD"),
    tab_condition=False,
)
def bordereau_pdf(context, request):
    """The slip's PDF as made (frozen)."""
    return documents_pdf.servir(request, _bordereau_demande(context, request))


# --- Récapitulatif mensuel ------------------------------------------------------------------


def _mois_texte(annee, mois):
    return dates.en_toutes_lettres(datetime.date(annee, mois, 1)).split(" ", 2)[2]


def tables_recapitulatif(request, regie, annee, mois):
    found = service.recapitulatif(request, regie, annee, mois)
    tr = lambda value: _tr(request, value)  # noqa: E731
    lignes = [
        [tr(_("Factures émises")), "", found["factures"]["nombre"], found["factures"]["montant"]],
        [tr(_("Avoirs")), "", found["avoirs"]["nombre"], found["avoirs"]["montant"]],
    ]
    for titre, cle in (
        (_("Règlements"), "reglements"),
        (_("Annulations de règlements"), "annulations"),
        (_("Remboursements"), "remboursements"),
        (_("Remises en banque"), "remises"),
    ):
        for ligne in found[cle]:
            lignes.append([tr(titre), ligne["mode"], ligne["nombre"], ligne["montant"]])
        total = found.get("total_" + cle)
        if total is not None:
            lignes.append([tr(titre), tr(_("Total")), total["nombre"], total["montant"]])
    fin = dates.courte(found["fin"])
    lignes.append(
        [
            tr(_("Solde dû par les familles (net des crédits) au ${fin}", mapping={"fin": fin})),
            "",
            "",
            found["du"],
        ]
    )
    for ligne in found["en_caisse"]:
        lignes.append(
            [
                tr(_("En caisse, non remis, au ${fin}", mapping={"fin": fin})),
                ligne["mode"],
                "",
                ligne["montant"],
            ]
        )
    entetes = (tr(_("Rubrique")), tr(_("Mode")), tr(_("Nombre")), tr(_("Montant")))
    return found, [(tr(_("Récapitulatif")), entetes, lignes)]


@mgmt_view(
    context=IRegie,
    name="recapitulatif",
    tab_title=_("Récapitulatif mensuel"),
    permission=P.CAISSE_VOIR,
    renderer=TEMPLATES + "recapitulatif.pt",
    request_method="GET",
)
class RecapitulatifView(_Onglet):
    def __call__(self):
        request = self.request
        (annee, mois), erreur = mois_demande(request)
        if erreur is not None:
            request.response.status = 400
        _found, tables = tables_recapitulatif(request, self.context, annee, mois)
        valeur = "%04d-%02d" % (annee, mois)
        return {
            "regie": self.context,
            "mois": valeur,
            "mois_texte": _mois_texte(annee, mois),
            "erreur": _tr(request, erreur) if erreur else "",
            "entetes": tables[0][1],
            "lignes": [[euros(v) if _decimal(v) else v for v in ligne] for ligne in tables[0][2]],
            "action": self.url("recapitulatif"),
            "exports": [
                (fmt.upper(), self.url("recapitulatif-" + fmt, mois=valeur))
                for fmt in ("csv", "xlsx", "pdf")
            ],
        }


def _export_recapitulatif(context, request, format_):
    (annee, mois), erreur = mois_demande(request)
    if erreur is not None:
        raise HTTPBadRequest(_tr(request, erreur))
    _found, tables = tables_recapitulatif(request, context, annee, mois)
    titre = _tr(
        request,
        _(
            "Récapitulatif mensuel — ${regie} — ${mois}",
            mapping={"regie": context.title, "mois": _mois_texte(annee, mois)},
        ),
    )
    return _telechargement(
        request,
        titre,
        tables,
        "recapitulatif-%s-%04d-%02d" % (tableur.nom_de_fichier(context.__name__), annee, mois),
        format_,
    )


@_exports("recapitulatif")
def recapitulatif_export(context, request):
    """@@recapitulatif-csv, -xlsx, -pdf: the format is the view name's end."""
    return _export_recapitulatif(context, request, request.view_name.rsplit("-", 1)[1])
