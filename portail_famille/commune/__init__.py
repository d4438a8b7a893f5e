"""The town's portal (issue 20): the town's name and logo, the service's
address, phone, email and opening hours, set by administrators in the SDI
(root tab "Commune", ``P.COMMUNE_MODIFIER``, journaled), shown on the login
box and in the footer of every page (``request.commune``, read by the
skin's layout); the pages "Mentions légales", "Accessibilité" and "Données
personnelles" (their texts editable, plain text), the favicon and the web
app manifest (``views``)."""

import re
from types import SimpleNamespace

from .. import journal
from ..i18n import _
from . import resources
from .resources import PAGES, TEXTES

CONFORMITES_NON = resources.CONFORMITES["non"]

MODIFIEE = "CommuneModifiee"
SERVICE = _("Service enfance jeunesse")
CONFORMITE_PHRASE = _(
    "État de conformité : le Portail Famille est ${etat} avec le référentiel général "
    "d'amélioration de l'accessibilité (RGAA), version 4.1."
)

DEFAUTS = {
    "mentions": _(
        "Ce portail est édité par ${commune} pour son service enfance "
        "jeunesse : inscriptions, réservations, factures et paiements des familles.\n\n"
        "Directeur de la publication : le maire de la commune.\n\n"
        "Hébergement : les serveurs de la commune ou de son prestataire, en France "
        "(nom et adresse de l'hébergeur à compléter par l'administrateur).\n\n"
        "Les contenus de ce portail (textes, documents, images) appartiennent à la "
        "commune, sauf mention contraire."
    ),
    "accessibilite": _(
        "Ce portail, édité par ${commune}, doit être accessible conformément à "
        "l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette "
        "déclaration d'accessibilité s'applique au Portail Famille.\n\n"
        "Contenus non accessibles : les documents PDF publiés par le service "
        "(formulaires, menus) peuvent ne pas être accessibles ; ils sont envoyés sur "
        "demande sous une forme accessible.\n\n"
        "Dérogations pour charge disproportionnée : aucune.\n\n"
        "Retour d'information et contact : si vous n'arrivez pas à accéder à un contenu "
        "ou à un service, contactez le service (coordonnées ci-dessous) pour obtenir "
        "une alternative accessible.\n\n"
        "Voies de recours : si vous avez signalé un défaut d'accessibilité qui vous "
        "empêche d'accéder à un contenu ou à un service du portail et n'avez pas obtenu "
        "de réponse satisfaisante, vous pouvez écrire au Défenseur des droits "
        "(formulaire en ligne sur www.defenseurdesdroits.fr), contacter le délégué du "
        "Défenseur des droits de votre région, ou envoyer un courrier gratuit, sans "
        "affranchissement, à : Défenseur des droits, Libre réponse 71120, 75342 Paris "
        "CEDEX 07."
    ),
    "donnees": _(
        "Les données des familles inscrites au service enfance jeunesse sont traitées "
        "par ${commune} pour gérer les inscriptions, les réservations et la présence "
        "des enfants, la facturation et les paiements, et pour correspondre avec les "
        "familles. Base légale : l'exécution d'une mission de service public (article "
        "6.1.e du RGPD).\n\n"
        "Données traitées : l'identité et les coordonnées des responsables ; les "
        "enfants, leurs inscriptions et leur planning ; les données sanitaires utiles à "
        "l'accueil (allergies, PAI, régime) et les autorisations ; les informations de "
        "facturation (quotient familial, revenus, coordonnées bancaires pour le "
        "prélèvement) ; les messages échangés avec le service.\n\n"
        "Destinataires : les agents du service, le régisseur et l'administration de la "
        "commune, chacun pour ce qui le concerne, et le comptable public pour les "
        "factures impayées. Les données ne sont ni vendues ni utilisées à d'autres "
        "fins.\n\n"
        "Vos droits : vous pouvez consulter et télécharger vos données depuis le "
        "portail (« Mes données »), demander leur rectification ou leur effacement, "
        "vous opposer à un traitement ou en demander la limitation, en écrivant au "
        "service ou au délégué à la protection des données. Vous pouvez aussi adresser "
        "une réclamation à la CNIL (www.cnil.fr).\n\n"
        "Cookies : le portail n'utilise que les cookies nécessaires à la connexion ; "
        "aucun cookie de mesure d'audience ni de publicité."
    ),
}


def nom_par_defaut(settings):
    return (settings.get("portail.commune") or "").strip()


def texte(request, commune, name):
    """The text of page ``name``: the administrators' one, or the default."""
    found = getattr(commune, name, None) if commune is not None else None
    return found or texte_par_defaut(request, commune, name)


def texte_par_defaut(request, commune, name):
    """The default text of page ``name``, translated, with the town's name."""
    nom = (getattr(commune, "nom", "") or "") or nom_par_defaut(request.registry.settings)
    translate = request.localizer.translate
    commune = _("la commune de ${nom}", mapping={"nom": nom}) if nom else _("la commune")
    return translate(_(DEFAUTS[name], mapping={"commune": translate(commune)}))


def telephone_href(numero):
    """The ``tel:`` link of a phone number as written (its digits, a
    leading +), or None."""
    # "+33 (0)4 ...": the (0) is not dialled from abroad.
    chiffres = re.sub(r"[^0-9+]", "", (numero or "").replace("(0)", ""))
    return "tel:" + chiffres if len(chiffres) >= 3 else None


def _titre_du_lien(translate, commune, name):
    if name != "accessibilite":
        return translate(TEXTES[name])
    # RGAA: every page shows the portal's conformity with the link.
    etat = getattr(commune, "conformite", None) or resources.Commune.conformite
    etat = resources.CONFORMITES.get(etat, CONFORMITES_NON)
    return translate(_("Accessibilité : ${etat}", mapping={"etat": translate(etat)}))


_COORDONNEES = {}  # _cle -> what coordonnees made
_COORDONNEES_LIMITE = 64


def _cle(request, commune, settings):
    """What ``coordonnees`` depends on: the language, the application's
    prefix, the setting of the town's name, the town's stored state (its
    oid and serial); None when the town has changes not stored yet."""
    if commune is None:
        etat = None
    else:
        commune._p_activate()
        if commune._p_changed or commune._p_oid is None:
            return None
        etat = (commune._p_oid, commune._p_serial)
    return (request.localizer.locale_name, request.script_name, nom_par_defaut(settings), etat)


def coordonnees(request):
    """What the login box and the footer show (plain values: the
    templates escape them; shared by the requests of the same town's
    state and language, never changed)."""
    root = getattr(request, "root", None)
    commune = resources.commune(root) if root is not None else None
    settings = request.registry.settings
    cle = _cle(request, commune, settings)
    found = _COORDONNEES.get(cle) if cle is not None else None
    if found is None:
        found = _coordonnees(request, commune, settings)
        if cle is not None:
            if len(_COORDONNEES) >= _COORDONNEES_LIMITE:
                _COORDONNEES.clear()
            _COORDONNEES[cle] = found
    return found


def _coordonnees(request, commune, settings):
    translate = request.localizer.translate
    get = (lambda name: (getattr(commune, name, "") or "").strip()) if commune else (lambda n: "")
    base = request.script_name or ""
    telephone = get("telephone")
    courriel = get("courriel")
    return SimpleNamespace(
        nom=get("nom") or nom_par_defaut(settings),
        service=get("service") or translate(SERVICE),
        adresse=resources.lignes(get("adresse")),
        telephone=telephone,
        telephone_href=telephone_href(telephone),
        courriel=courriel,
        courriel_href="mailto:" + courriel if courriel else None,
        horaires=resources.lignes(get("horaires")),
        logo=base + "/logo-commune" if commune is not None and commune.logo else None,
        pages=[
            (base + "/" + PAGES[name], _titre_du_lien(translate, commune, name)) for name in PAGES
        ],
    )


def includeme(config):
    config.add_request_method(coordonnees, "commune", reify=True)
    journal.nommer_actions(config, {MODIFIEE: _("Coordonnées et pages de la commune modifiées")})
