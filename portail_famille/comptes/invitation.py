"""A family's accounts, from the parent's side (Mon compte > "Comptes de
connexion", ``/familles/<numero>/comptes-parents``): one login per parent.

The family record names two responsables (the responsable and her
conjoint); each may have her own account.  A parent who has one invites
the other: the account is made as staff make it (``sdi.parents``:
login proposed from the conjoint's name, no password, the ``familles``
group, linked to this Famille), and its activation link goes to the
address she gives, in a mail saying who invites (``invitation_parent``).
The invited parent chooses her password on the activation page; nobody
else ever knows it.  While she has not, the inviter may send a new link
(the previous one dies).  A parent invites up to ``MAX_COMPTES`` accounts
in all; staff may add more from the family's tab "Comptes parents".

Every account added is journaled with who made it and tells the family's
other accounts by mail (``avis``).  The invitation mails count as the
forgotten password's do (``tentatives``: per account, per address).
"""

import colander
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config
from substanced.util import find_service, get_oid

from .. import courriels, journal
from ..familles.resources import IFamille
from ..familles.validators import email as valider_email
from ..i18n import _
from ..security import P
from ..skin import sans_sous_chemin
from . import activation, avis
from .lettre import lien
from .sdi.parents import creer_compte, login_propose
from .tentatives import Tentative, refuse

PAGE = "comptes-parents"
# How many accounts a family's parents may have through invitations (the
# responsable and the conjoint).
MAX_COMPTES = 2
MAX_EMAIL = 200


def _nom(personne):
    return " ".join(p for p in (personne.get("prenom"), personne.get("nom")) if p)


def _email_saisi(request):
    value = request.POST.get("email", "")
    return value.strip()[: MAX_EMAIL + 1] if isinstance(value, str) else ""


def _page(context, request, errors=None, email=None):
    sans_sous_chemin(request)
    user = request.user
    comptes = sorted(context.parents(), key=lambda u: u.__name__)
    conjoint = context.conjoint
    peut_inviter = request.has_permission(P.FAMILLE_COMPTE_INVITER, context)
    users = find_service(context, "principals", "users")
    nom_conjoint = _nom(conjoint)
    return {
        "famille": context,
        "comptes": [
            {
                "login": compte.__name__,
                "moi": compte is user,
                "en_attente": activation.en_attente(compte),
            }
            for compte in comptes
        ],
        "peut_inviter": peut_inviter,
        "complet": len(comptes) >= MAX_COMPTES,
        "conjoint": nom_conjoint,
        "login_propose": (
            login_propose(users, conjoint.get("prenom", ""), conjoint.get("nom", ""))
            if nom_conjoint
            else ""
        ),
        "email": email if email is not None else (conjoint.get("email") or ""),
        "jours": activation.lifetime(request.registry.settings) // 86400,
        "errors": errors or {},
        "mon_compte": request.resource_path(context, "mon-compte"),
    }


@view_config(
    context=IFamille,
    name=PAGE,
    renderer="templates/comptes_parents.pt",
    permission=P.FAMILLE_VOIR,
    request_method="GET",
)
def comptes_parents(context, request):
    return _page(context, request)


def _envoyer(request, famille, compte, adresse):
    """A new activation link of ``compte`` (the previous one dies), in the
    invitation mail to ``adresse``."""
    duree = activation.lifetime(request.registry.settings)
    token = activation.create(request.root, compte, get_oid(compte), lifetime=duree)
    courriels.send(
        request,
        "invitation_parent",
        [adresse],
        login=compte.__name__,
        url=lien(request, token),
        jours=duree // 86400,
        numero=famille.numero,
        invite_par=_nom(famille.responsable) or request.user.__name__,
    )
    journal.noter(
        request,
        avis.INVITATION_ENVOYEE,
        famille,
        famille=famille,
        details={"compte": compte.__name__},
    )


def _limite(request, errors):
    """Whether the inviter's mails are over the limit (the answer set)."""
    attempt = Tentative(request, request.user.__name__)
    wait = attempt.mail_wait()
    if wait:
        refuse(request, wait, errors, _("Trop d'invitations envoyées"))
        return True
    attempt.count_mail()
    return False


@view_config(
    context=IFamille,
    name=PAGE,
    renderer="templates/comptes_parents.pt",
    permission=P.FAMILLE_COMPTE_INVITER,
    request_method="POST",
    request_param="inviter",
)
def inviter(context, request):
    """The other responsable invited: her account made, its link mailed."""
    adresse = _email_saisi(request)
    result = _page(context, request, email=adresse[:MAX_EMAIL])
    errors = result["errors"]
    if result["complet"]:
        errors["form"] = _(
            "Votre famille a déjà ${n} comptes : adressez-vous au service enfance jeunesse.",
            mapping={"n": MAX_COMPTES},
        )
        return result
    if not result["conjoint"]:
        errors["form"] = _(
            "Renseignez d'abord l'autre responsable dans Mon compte (rubrique Conjoint)."
        )
        return result
    if not adresse:
        errors["email"] = _("Saisissez l'adresse email de la personne invitée.")
    elif len(adresse) > MAX_EMAIL:
        errors["email"] = _("Adresse email trop longue.")
    else:
        try:
            valider_email(None, adresse)
        except colander.Invalid as invalid:
            errors["email"] = invalid.msg
    if errors or _limite(request, errors):
        return result
    compte = creer_compte(request, context, result["login_propose"], adresse)
    _envoyer(request, context, compte, adresse)
    message = _(
        "Invitation envoyée à ${email} : son compte « ${login} » sera actif "
        "quand elle aura choisi son mot de passe.",
        mapping={"email": adresse, "login": compte.__name__},
    )
    request.session.flash(request.localizer.translate(message), "portail")
    return HTTPFound(request.resource_path(context, PAGE))


@view_config(
    context=IFamille,
    name=PAGE,
    renderer="templates/comptes_parents.pt",
    permission=P.FAMILLE_COMPTE_INVITER,
    request_method="POST",
    request_param="renvoyer",
)
def renvoyer(context, request):
    """A new link for an invited account not activated yet, to its address."""
    login = request.POST.get("renvoyer", "")
    result = _page(context, request)
    compte = None
    for parent in context.parents():
        if parent.__name__ == login:
            compte = parent
    if compte is None or not activation.en_attente(compte) or not compte.email:
        result["errors"]["form"] = _("Ce compte n'attend plus d'invitation.")
        return result
    if _limite(request, result["errors"]):
        return result
    _envoyer(request, context, compte, compte.email)
    message = _(
        "Une nouvelle invitation a été envoyée à ${email} : le lien précédent ne fonctionne plus.",
        mapping={"email": compte.email},
    )
    request.session.flash(request.localizer.translate(message), "portail")
    return HTTPFound(request.resource_path(context, PAGE))
