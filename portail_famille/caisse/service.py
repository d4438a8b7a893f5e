"""The cash desk's work and figures: making a deposit slip, the cash
journal of a day, the monthly summary, and their documents' HTML.

Every figure is Decimal, read from the régie's ledger (``registre``):
a day or a month is a range of it, a balance the sum of the days before.
"""

import calendar
import datetime

from pyramid.renderers import render

from .. import dates
from ..facturation import corrections
from ..facturation.corrections import TITRES_REMBOURSEMENT, Annulation, Remboursement
from ..facturation.resources import MODES, TITRES_MODES, Reglement
from ..i18n import _
from ..irreversible import marquer
from ..montants import ZERO, euros
from . import registre
from .registre import (
    ANNULATION,
    AVOIR,
    FACTURE,
    MODES_REMISE,
    REGLEMENT,
    REMBOURSEMENT,
    REMISE,
)
from .resources import NATURES, Bordereau

VIREMENT = "virement"


class CaisseError(Exception):
    """A rule of the cash desk refused the operation (French message)."""


def _nom(famille):
    return famille.nom_complet or famille.title


def _ville(request):
    settings = request.registry.settings
    commune = (settings.get("portail.commune") or "").strip()
    mairie = (settings.get("portail.mairie") or "").strip()
    return mairie or ("Mairie de %s" % commune if commune else "Mairie")


# --- deposit slips ---------------------------------------------------------------


def a_remettre(regie, nature, jusqua=None):
    """The payments of ``nature`` (cheque, cash) in the till: not on a
    slip, not cancelled; dated ``jusqua`` or before when given; oldest
    first."""
    found = registre.caisse(regie)
    if found is None or nature not in MODES_REMISE:
        return []
    reglements = [
        r
        for r in found.en_caisse.values()
        if r.mode == nature and not r.annule_par and (jusqua is None or r.date <= jusqua)
    ]
    return sorted(reglements, key=lambda r: (r.date, r.emise_le or 0, r.numero))


def numero_suivant(found, nature, annee):
    prefixe = MODES_REMISE[nature]
    dernier = found.sequences.get((prefixe, annee), 0) + 1
    found.sequences[(prefixe, annee)] = dernier
    return "%s-%d-%03d" % (prefixe, annee, dernier)


def creer_bordereau(regie, nature, numeros, date, par=""):
    """The deposit slip of the payments numbered ``numeros`` (cheques or
    cash, of ``nature``), dated ``date``; returns it.  Raises CaisseError
    (a French message) for a payment already on a slip, cancelled, of
    another mode or dated after the slip, or when none is chosen."""
    if nature not in MODES_REMISE:
        raise CaisseError(_("Choisissez des chèques ou des espèces."))
    numeros = list(dict.fromkeys(n for n in numeros if isinstance(n, str)))
    if not numeros:
        raise CaisseError(_("Cochez au moins un règlement à remettre."))
    found = registre.caisse(regie, create=True)
    choisis = []
    for numero in numeros:
        reglement = found.en_caisse.get(numero)
        if reglement is None or reglement.mode != nature or reglement.annule_par:
            deja = found.remis.get(numero)
            if deja is not None:
                raise CaisseError(
                    _(
                        "Le règlement ${numero} est déjà sur le bordereau ${bordereau}.",
                        mapping={"numero": numero[:20], "bordereau": deja},
                    )
                )
            raise CaisseError(
                _(
                    "Le règlement ${numero} n'est pas à remettre (annulé, inconnu ou d'un "
                    "autre mode).",
                    mapping={"numero": numero[:20]},
                )
            )
        if reglement.date > date:
            raise CaisseError(
                _(
                    "Le règlement ${numero} est daté après le bordereau.",
                    mapping={"numero": numero},
                )
            )
        choisis.append(reglement)
    choisis.sort(key=lambda r: (r.date, r.emise_le or 0, r.numero))
    marquer()
    bordereau = Bordereau(
        numero_suivant(found, nature, date.year),
        regie,
        nature,
        date,
        [
            {
                "reglement": r.numero,
                "date": r.date,
                "famille": r.famille.numero,
                "nom": _nom(r.famille),
                "reference": r.reference,
                "montant": r.montant,
            }
            for r in choisis
        ],
        par=par,
    )
    found.bordereaux[bordereau.numero] = bordereau
    for reglement in choisis:
        del found.en_caisse[reglement.numero]
        found.remis[reglement.numero] = bordereau.numero
    registre.ajouter(found, date, REMISE, nature, bordereau.total, bordereau.nombre)
    return bordereau


def annees(regie):
    """The years the régie made slips in, the latest first."""
    found = registre.caisse(regie)
    if found is None:
        return []
    return sorted({annee for _prefixe, annee in found.sequences}, reverse=True)


def bordereaux(regie, annee):
    """The régie's slips of ``annee``, the newest first: a range of
    numbers per prefix ("BRC-2026-…"), the other years never read."""
    found = registre.caisse(regie)
    if found is None:
        return []
    slips = []
    for prefixe in MODES_REMISE.values():
        debut = "%s-%d-" % (prefixe, annee)
        slips += found.bordereaux.values(min=debut, max=debut + registre.FIN)
    return sorted(slips, key=lambda b: (b.date, b.emis_le), reverse=True)


def bordereau(regie, numero):
    found = registre.caisse(regie)
    if found is None or not isinstance(numero, str):
        return None
    return found.bordereaux.get(numero.strip())


def bordereau_de(regie, reglement):
    """The number of the slip ``reglement`` was deposited on, or None."""
    found = registre.caisse(regie)
    return found.remis.get(reglement.numero) if found is not None else None


def html_bordereau(request, bordereau):
    tr = request.localizer.translate
    values = {
        "mairie": _ville(request),
        "regie": bordereau.regie,
        "numero": bordereau.numero,
        "nature": tr(NATURES.get(bordereau.nature, bordereau.nature)),
        "cheques": bordereau.nature == "cheque",
        "date": dates.courte(bordereau.date),
        "lignes": [
            {
                "reglement": ligne["reglement"],
                "date": dates.courte(ligne["date"]),
                "nom": ligne["nom"],
                "famille": ligne["famille"],
                "reference": ligne["reference"],
                "montant": euros(ligne["montant"]),
            }
            for ligne in bordereau.lignes
        ],
        "nombre": bordereau.nombre,
        "total": euros(bordereau.total),
        "emis_par": bordereau.emis_par,
        "portail": request.registry.settings.get("portail.nom") or "Portail Famille",
    }
    return render("portail_famille.caisse:templates/bordereau_pdf.pt", values, request=request)


# --- the cash journal of a day ------------------------------------------------------


def _titre_mode(request, code):
    if code == VIREMENT:
        return request.localizer.translate(TITRES_REMBOURSEMENT[VIREMENT])
    return request.localizer.translate(TITRES_MODES.get(code, code))


def journal(request, regie, jour):
    """The cash journal of ``jour``: per mode the opening balance (in the
    till before the day: cheques and cash), the day's payments,
    cancellations, refunds and deposits, the closing balance; the totals;
    and the day's lines (payments, cancellations, refunds)."""
    avant = registre.totaux_avant(regie, jour)
    du_jour = registre.totaux_entre(regie, jour, jour)
    modes = []
    codes = [code for code, _titre in MODES]
    if registre.montant(du_jour, REMBOURSEMENT, VIREMENT):
        codes.append(VIREMENT)
    totaux = {k: ZERO for k in ("entrees", "annulations", "remboursements", "remises")}
    for code in codes:
        en_caisse = code in MODES_REMISE
        ligne = {
            "code": code,
            "mode": _titre_mode(request, code),
            "en_caisse": en_caisse,
            "nombre": registre.nombre(du_jour, REGLEMENT, code),
            "entrees": registre.montant(du_jour, REGLEMENT, code),
            "annulations": registre.montant(du_jour, ANNULATION, code),
            "remboursements": registre.montant(du_jour, REMBOURSEMENT, code),
            "remises": registre.montant(du_jour, REMISE, code),
            "ouverture": None,
            "cloture": None,
        }
        if en_caisse:
            ligne["ouverture"] = registre.en_caisse(avant, code)
            ligne["cloture"] = registre.en_caisse({**_cumul(avant, du_jour)}, code)
        for key in totaux:
            totaux[key] += ligne[key]
        modes.append(ligne)
    caisse = [m for m in modes if m["en_caisse"]]
    totaux["ouverture"] = sum((m["ouverture"] for m in caisse), ZERO)
    totaux["cloture"] = sum((m["cloture"] for m in caisse), ZERO)
    return {
        "jour": jour,
        "modes": modes,
        "totaux": totaux,
        "lignes": [_ligne(request, regie, d) for d in registre.documents_du_jour(regie, jour)],
    }


def _cumul(*parts):
    found = {}
    for part in parts:
        for key, (n, total) in part.items():
            n0, t0 = found.get(key, (0, ZERO))
            found[key] = (n0 + n, t0 + total)
    return found


def _ligne(request, regie, document):
    """A line of the day: its time, nature, number, family, mode,
    reference, signed amount and what became of it."""
    tr = request.localizer.translate
    famille = document.famille
    moment = dates.local(document.emise_le) if document.emise_le else None
    ligne = {
        "document": document,
        "heure": "%02d:%02d" % (moment.hour, moment.minute) if moment else "",
        "enregistre_le": dates.moment(document.emise_le),
        "numero": document.numero,
        "famille": _nom(famille),
        "famille_numero": famille.numero,
        "famille_objet": famille,
        "reference": "",
        "mention": "",
    }
    if isinstance(document, Reglement):
        remis = bordereau_de(regie, document)
        mention = corrections.mention(document)
        ligne.update(
            nature=tr(_("Règlement")),
            mode=_titre_mode(request, document.mode),
            reference=document.reference,
            montant=document.montant,
            mention=tr(mention)
            if mention is not None
            else (tr(_("Remis : ${numero}", mapping={"numero": remis})) if remis else ""),
        )
    elif isinstance(document, Annulation):
        reglement = registre.paiement_de(document)
        mode = reglement.mode if reglement is not None else ""
        remis = bordereau_de(regie, reglement) if reglement is not None else None
        mention = tr(
            _(
                "Règlement ${numero} : ${motif}",
                mapping={"numero": document.reglement, "motif": document.motif},
            )
        )
        if remis:
            mention += " — " + tr(
                _(
                    "déjà remis en banque (${numero}) : sans effet sur la caisse",
                    mapping={"numero": remis},
                )
            )
        ligne.update(
            nature=tr(_("Annulation")),
            mode=_titre_mode(request, mode) if mode else "",
            reference=reglement.reference if reglement is not None else "",
            montant=-document.montant,
            mention=mention,
        )
    elif isinstance(document, Remboursement):
        ligne.update(
            nature=tr(_("Remboursement")),
            mode=_titre_mode(request, document.mode),
            reference=document.reference,
            montant=-document.montant,
            mention=document.motif,
        )
    return ligne


# --- the monthly summary ------------------------------------------------------------


def bornes(annee, mois):
    return (
        datetime.date(annee, mois, 1),
        datetime.date(annee, mois, calendar.monthrange(annee, mois)[1]),
    )


def recapitulatif(request, regie, annee, mois):
    """The month's figures for the town's accounts: invoices issued, credit
    notes, payments per mode, cancellations, refunds (count and amount),
    and at the month's end what the families owe (net of their credits)
    and what the till holds."""
    debut, fin = bornes(annee, mois)
    t = registre.totaux_entre(regie, debut, fin)
    cumul = registre.totaux_entre(regie, None, fin)

    def rubrique(code, mode=""):
        return {
            "nombre": registre.nombre(t, code, mode),
            "montant": registre.montant(t, code, mode),
        }

    def somme(code):
        found = [(n, total) for (r, _m), (n, total) in t.items() if r == code]
        return {
            "nombre": sum(n for n, _t in found),
            "montant": sum((total for _n, total in found), ZERO),
        }

    def par_mode(code, modes):
        return [
            {"mode": _titre_mode(request, m), **rubrique(code, m)}
            for m in modes
            if registre.nombre(t, code, m)
        ]

    codes = [code for code, _titre in MODES]
    du = ZERO
    for (r, _m), (_n, total) in cumul.items():
        if r in (FACTURE, ANNULATION, REMBOURSEMENT):
            du += total
        elif r in (AVOIR, REGLEMENT):
            du -= total
    return {
        "debut": debut,
        "fin": fin,
        "factures": rubrique(FACTURE),
        "avoirs": rubrique(AVOIR),
        "reglements": par_mode(REGLEMENT, codes),
        "total_reglements": somme(REGLEMENT),
        "annulations": par_mode(ANNULATION, codes),
        "total_annulations": somme(ANNULATION),
        "remboursements": par_mode(REMBOURSEMENT, ["especes", VIREMENT]),
        "total_remboursements": somme(REMBOURSEMENT),
        "remises": par_mode(REMISE, list(MODES_REMISE)),
        "du": du,
        "en_caisse": [
            {"mode": _titre_mode(request, m), "montant": registre.en_caisse(cumul, m)}
            for m in MODES_REMISE
        ],
    }
