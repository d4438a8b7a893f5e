"""SDI tab "Comptes parents" of a Famille: the accounts that reach it.

An agent creates a parent's account here (login and email, never a
password): it joins the ``familles`` group, is linked to this Famille
(whose ACL then names it), and has no password until the parent chooses
hers through an activation link (``activation``), sent by mail or printed
on a letter.  From the same screen an agent sends a parent a new link on
request (a lost letter, a forgotten password): the previous one dies.
"""

import colander
import deform.widget
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from substanced.form import FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view
from substanced.util import find_service, get_oid

from ...familles.recherche import plier
from ...familles.resources import IFamille
from ...familles.validators import email
from ...i18n import _
from ...sdi import noms
from ...security import GROUPE_FAMILLES, P
from .. import activation, avis
from ..activer import envoyer_lien
from ..lettre import lettre

EMAIL = "email"
LETTRE = "lettre"
ENVOIS = ((EMAIL, _("Envoyer le lien d'activation par email")), (LETTRE, _("Imprimer une lettre")))
SANS_EMAIL = _("Le lien part par email : saisissez l'adresse du parent, ou choisissez la lettre.")


def verifier_login(users, value):
    """The French message refusing ``value`` as a new login, or None."""
    message = noms.probleme(value, login=True)
    if message is not None:
        return message
    if value in users:
        return _("Cet identifiant est déjà pris.")
    return None


@colander.deferred
def login_libre(node, kw):
    users = find_service(kw["context"], "principals", "users")

    def validator(node, value):
        message = verifier_login(users, value)
        if message is not None:
            raise colander.Invalid(node, message)

    return validator


def login_propose(users, prenom, nom):
    """'Léa', "D'ARTAGNAN" -> 'lea.dartagnan' (then lea.dartagnan2... if taken)."""
    mots = ["".join(c for c in plier(p) if c.isascii() and c.isalnum()) for p in (prenom, nom)]
    base = ".".join(m for m in mots if m)[:90] or "parent"
    login, n = base, 1
    while login in users:
        n += 1
        login = "%s%d" % (base, n)
    return login


def creer_compte(request, famille, login, adresse):
    """The account ``login`` (email ``adresse``, no password) of a parent
    of ``famille``; journaled with whoever made it (staff here, a
    parent's invitation: ``avis``)."""
    principals = find_service(famille, "principals")
    user = principals.add_user(login, None, adresse or None)
    user.must_change_password = False  # she has none to change: she chooses it
    principals["groups"][GROUPE_FAMILLES].memberids.connect([user])
    famille.rattacher_parent(user)
    avis.compte_ajoute(request, famille, user)
    return user


def envoi_widget():
    return deform.widget.RadioChoiceWidget(values=ENVOIS)


def email_si_envoi(node, value):
    """An email is needed when the link goes by email."""
    if value["envoi"] == EMAIL and not value["email"]:
        error = colander.Invalid(node)
        error["email"] = SANS_EMAIL
        raise error


def parent_sans_compte(famille):
    """The responsable, or the conjoint once the family has an account."""
    return famille.conjoint if famille.parents() else famille.responsable


@colander.deferred
def login_par_defaut(node, kw):
    famille = kw["context"]
    users = find_service(famille, "principals", "users")
    parent = parent_sans_compte(famille)
    if not parent.get("prenom") and not parent.get("nom"):
        return colander.null
    return login_propose(users, parent.get("prenom", ""), parent.get("nom", ""))


@colander.deferred
def email_par_defaut(node, kw):
    return parent_sans_compte(kw["context"]).get("email") or colander.null


class CompteParentSchema(Schema):
    login = colander.SchemaNode(
        colander.String(), title=_("Identifiant"), validator=login_libre, default=login_par_defaut
    )
    email = colander.SchemaNode(
        colander.String(), title=_("Email"), validator=email, missing="", default=email_par_defaut
    )
    envoi = colander.SchemaNode(
        colander.String(),
        title=_("Lien d'activation"),
        validator=colander.OneOf([v for v, _l in ENVOIS]),
        widget=envoi_widget(),
        default=EMAIL,
    )


def lignes(famille):
    """The accounts of ``famille`` as the tab lists them."""
    return [
        {"user": user, "en_attente": activation.en_attente(user)}
        for user in sorted(famille.parents(), key=lambda u: u.__name__)
    ]


@mgmt_view(
    context=IFamille,
    name="comptes",
    tab_title=_("Comptes parents"),
    permission=P.FAMILLE_MODIFIER,
    renderer="portail_famille.comptes:templates/comptes.pt",
)
class ComptesParentsView(FormView):
    title = _("Créer le compte d'un parent")
    schema = CompteParentSchema(validator=email_si_envoi)
    buttons = (deform.Button("creer", _("Créer le compte")),)

    def show(self, form):
        result = super().show(form)
        result["comptes"] = lignes(self.context)
        return result

    def failure(self, e):
        result = super().failure(e)
        result["comptes"] = lignes(self.context)
        return result

    def creer_success(self, appstruct):
        user = creer_compte(self.request, self.context, appstruct["login"], appstruct["email"])
        if appstruct["envoi"] == EMAIL:
            envoyer_lien(self.request, user)
            message = _("Compte créé : le lien d'activation est parti par email.")
        else:
            message = _("Compte créé : imprimez sa lettre d'activation ci-dessous.")
        self.request.sdiapi.flash(self.request.localizer.translate(message), "success")
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context, "@@comptes"))


def compte_de(famille, login):
    """The account ``login`` if it is one of ``famille``'s parents."""
    for user in famille.parents():
        if user.__name__ == login:
            return user
    return None


@mgmt_view(
    context=IFamille,
    name="lien-activation",
    permission=P.FAMILLE_MODIFIER,
    request_method="POST",
    tab_condition=False,
)
def lien_activation(context, request):
    """A new link for one parent of this family: mailed (``envoi=email``)
    or printed on a letter (the PDF is the answer).  The previous link of
    the account stops working."""
    login = request.POST.get("compte", "")
    user = compte_de(context, login) if isinstance(login, str) else None
    if user is None:
        raise HTTPNotFound()
    envoi = request.POST.get("envoi")
    if envoi == LETTRE:
        settings = request.registry.settings
        token = activation.create(
            request.root, user, get_oid(user), lifetime=activation.lifetime(settings)
        )
        return lettre(request, context, user, token)
    if envoi != EMAIL or not user.email:
        raise HTTPNotFound()
    envoyer_lien(request, user)
    message = _(
        "Un nouveau lien a été envoyé à ${email} : le précédent ne fonctionne plus.",
        mapping={"email": user.email},
    )
    request.sdiapi.flash(request.localizer.translate(message), "success")
    return HTTPFound(request.sdiapi.mgmt_path(context, "@@comptes"))
