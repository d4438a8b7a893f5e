"""SDI tab "Commune" of the root (administrators only,
``P.COMMUNE_MODIFIER``): the town's name and logo, the service's address,
phone, email and opening hours, the DPO's contact, the accessibility
statement's conformity and the texts of the three public pages (plain
text: paragraphs cut at blank lines, never markup).  Every save is
written to the site's journal (which fields changed, not their values)."""

import re

from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound
from substanced.interfaces import IRoot
from substanced.sdi import mgmt_view

from .. import fichiers, journal
from ..i18n import _
from ..security import P
from . import MODIFIEE, SERVICE, nom_par_defaut, texte, texte_par_defaut
from .resources import CHAMPS, CONFORMITES, TEXTE_MAX, TEXTES, assurer, commune

VUE = "commune"
LOGO_MAX = 1024 * 1024
_COURRIEL = re.compile(r"[^@\s<>\"]{1,64}@[^@\s<>\"]{1,190}\.[^@\s<>\".]{2,}")
_TELEPHONE = re.compile(r"\+?[0-9][0-9 .()-]{1,27}[0-9]")
_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _valeur(request, name):
    found = request.POST.get(name, "")
    return found if isinstance(found, str) else ""


def _formulaire(request, found, valeurs=None, erreurs=None):
    translate = request.localizer.translate
    valeurs = valeurs or {}
    # What the pages show when a field is left empty.
    defauts = {"nom": nom_par_defaut(request.registry.settings), "service": translate(SERVICE)}
    return {
        "champs": [
            {
                "nom": name,
                "titre": translate(titre),
                "max": maximum,
                "lignes": lignes,
                "valeur": valeurs.get(name, getattr(found, name, "") or ""),
                "defaut": defauts.get(name),
            }
            for name, (titre, maximum, lignes) in CHAMPS.items()
        ],
        "textes": [
            {
                "nom": name,
                "titre": translate(titre),
                "valeur": valeurs.get(name, texte(request, found, name)),
            }
            for name, titre in TEXTES.items()
        ],
        "conformites": [(k, translate(v)) for k, v in CONFORMITES.items()],
        "conformite": valeurs.get("conformite", getattr(found, "conformite", "partielle")),
        "logo": getattr(found, "logo", None),
        "erreurs": {k: translate(v) for k, v in (erreurs or {}).items()},
        "csrf_token": get_csrf_token(request),
        "action": request.sdiapi.mgmt_path(request.context, "@@" + VUE),
    }


@mgmt_view(
    context=IRoot,
    name=VUE,
    tab_title=_("Commune"),
    permission=P.COMMUNE_MODIFIER,
    request_method=("GET", "HEAD"),
    renderer="templates/commune_sdi.pt",
)
def commune_view(context, request):
    return _formulaire(request, commune(context))


def lire(request, found):
    """(the values posted, the errors by field: French messages)."""
    valeurs, erreurs = {}, {}
    for name, (_titre, maximum, lignes) in CHAMPS.items():
        value = _valeur(request, name).replace("\r\n", "\n").strip()
        if lignes == 1:
            value = " ".join(value.split())
        valeurs[name] = value
        if len(value) > maximum:
            erreurs[name] = _(
                "${max} caractères au plus, s'il vous plaît.", mapping={"max": maximum}
            )
        elif _CONTROLE.search(value):
            erreurs[name] = _("Ce texte contient des caractères invalides.")
    if valeurs["telephone"] and "telephone" not in erreurs:
        if not _TELEPHONE.fullmatch(valeurs["telephone"]):
            erreurs["telephone"] = _("Saisissez un numéro de téléphone (ex. : 04 76 00 00 00).")
    if valeurs["courriel"] and "courriel" not in erreurs:
        if not _COURRIEL.fullmatch(valeurs["courriel"]):
            erreurs["courriel"] = _(
                "Saisissez une adresse électronique valide (ex. : enfance@mairie.fr)."
            )
    for name in TEXTES:
        value = _valeur(request, name).replace("\r\n", "\n").strip()
        valeurs[name] = value
        if len(value) > TEXTE_MAX:
            erreurs[name] = _(
                "${max} caractères au plus, s'il vous plaît.", mapping={"max": TEXTE_MAX}
            )
        elif _CONTROLE.search(value):
            erreurs[name] = _("Ce texte contient des caractères invalides.")
    conformite = _valeur(request, "conformite")
    valeurs["conformite"] = conformite
    if conformite not in CONFORMITES:
        erreurs["conformite"] = _("Choisissez l'état de conformité.")
    return valeurs, erreurs


def _logo(request):
    """(the new logo's (bytes, MIME type) or None, its error or None)."""
    upload = request.POST.get("logo")
    try:
        return fichiers.lire(upload, types=(fichiers.PNG, fichiers.JPEG), taille_max=LOGO_MAX), None
    except fichiers.FichierRefuse as e:
        return None, e.args[0]


@mgmt_view(
    context=IRoot,
    name=VUE,
    tab_title=_("Commune"),
    permission=P.COMMUNE_MODIFIER,
    request_method="POST",
    renderer="templates/commune_sdi.pt",
)
def commune_enregistrer(context, request):
    """ "Enregistrer": the values checked (a French message next to each
    wrong field, nothing written), then saved and journaled."""
    found = commune(context)
    valeurs, erreurs = lire(request, found)
    logo, erreur_logo = _logo(request)
    if erreur_logo is not None:
        erreurs["logo"] = erreur_logo
    if erreurs:
        request.response.status = 400
        return _formulaire(request, found, valeurs, erreurs)
    changes = []
    for name in CHAMPS:
        if valeurs[name] != (getattr(found, name, "") or ""):
            changes.append(name)
    for name in TEXTES:
        # The default text (with the town's name) stays the default: a
        # text equal to it is not stored.
        value = valeurs[name]
        if not value or value == texte_par_defaut(request, found, name):
            value = None
        if value != getattr(found, name, None):
            changes.append(name)
        valeurs[name] = value
    if valeurs["conformite"] != getattr(found, "conformite", "partielle"):
        changes.append("conformite")
    retirer = request.POST.get("retirer_logo") == "1"
    if logo is not None or (retirer and getattr(found, "logo", None) is not None):
        changes.append("logo")
    if changes:
        found = assurer(context)
        for name in changes:
            if name == "logo":
                found.logo = (
                    fichiers.Fichier(logo[0], logo[1], "logo.%s" % fichiers.EXTENSIONS[logo[1]])
                    if logo is not None
                    else None
                )
            else:
                setattr(found, name, valeurs[name])
        journal.noter(
            request, MODIFIEE, context, ecran="@@" + VUE, details={"champs": sorted(changes)}
        )
        message = _("Les informations de la commune sont enregistrées.")
    else:
        message = _("Aucune modification.")
    request.sdiapi.flash(request.localizer.translate(message), "success")
    return HTTPFound(request.sdiapi.mgmt_path(context, "@@" + VUE))
