"""SDI tab "Réinscriptions" of the Familles folder: the next school year in
one action (``planning.rentree``).  The agent chooses the year N+1 and
the families (all by default), sees the preview (who is re-enrolled in
what, how many days the contracts book, who leaves and why, the
warnings), may tick children out, then confirms; a confirmation whose
preview changed meanwhile shows the new preview instead of applying it;
the next batches ("continuer") take only the children the confirmed
preview left, each checked again (agents: ``P.FAMILLE_MODIFIER``)."""

from substanced.sdi import mgmt_view

from ... import dates
from ...familles.resources import IFamilles
from ...i18n import _
from ...inscriptions import annee_de_libelle, annees, libelle_jours
from ...messagerie.groupe import lire_oid
from ...security import P
from .. import rentree as r

NOM = "reinscriptions"
APERCU_MAX = 300  # children listed (with their checkbox) in the preview
NUMEROS_MAX = 20_000  # characters of the families' field
VUE = {
    "context": IFamilles,
    "name": NOM,
    "permission": P.FAMILLE_MODIFIER,
    "renderer": "portail_famille.planning:templates/reinscriptions.pt",
}


def includeme(config):
    from ... import journal

    journal.nommer_actions(config, {r.REINSCRIPTION: _("Réinscription pour l'année suivante")})


def _cibles(context):
    """The school years not over that have one before them (what may be
    prepared)."""
    today = dates.today()
    return [annee for annee in annees(context)[1:] if annee.fin >= today]


def _cible_par_defaut(context):
    cibles = _cibles(context)
    today = dates.today()
    prochaines = [a for a in cibles if a.debut > today]
    return prochaines[0] if prochaines else (cibles[-1] if cibles else None)


def _bilan(annee, enfants, inscriptions, journees):
    return _(
        "Réinscription pour ${annee} : ${enfants} enfant(s) réinscrit(s), "
        "${inscriptions} inscription(s) créée(s), ${journees} journée(s) réservée(s) "
        "par les contrats réguliers.",
        mapping={
            "annee": annee,
            "enfants": enfants,
            "inscriptions": inscriptions,
            "journees": journees,
        },
    )


@mgmt_view(tab_title=_("Réinscriptions"), request_method="GET", **VUE)
class ReinscriptionsView:
    """GET: the form; POST "apercu": the preview; POST "confirmer": the
    run (a batch), then its report."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        cible = _cible_par_defaut(self.context)
        return self.page(cible.libelle if cible else "", "")

    def _saisie(self):
        post = self.request.POST
        libelle = post.get("annee", "")
        libelle = libelle if isinstance(libelle, str) else ""
        numeros = post.get("familles", "")
        numeros = numeros[:NUMEROS_MAX] if isinstance(numeros, str) else ""
        exclus = {lire_oid(value) for value in post.getall("exclus")} - {None}
        return libelle, numeros, exclus

    def _apercu(self):
        """(the preview, None) or (None, the form with its error)."""
        libelle, numeros, exclus = self._saisie()
        cible = annee_de_libelle(self.context, libelle)
        if cible is None or cible not in _cibles(self.context):
            self.request.response.status = 400
            return None, self.page(
                libelle[:20], numeros, erreur=_("Choisissez l'année scolaire à préparer.")
            )
        liste = r.lire_numeros(numeros) or None
        apercu = r.apercu(
            self.context, cible, liste, exclus, settings=self.request.registry.settings
        )
        return apercu, None

    @mgmt_view(request_method="POST", request_param="apercu", tab_condition=False, **VUE)
    def preparer(self):
        apercu, refus = self._apercu()
        if refus is not None:
            return refus
        return self.page(apercu.cible.libelle, self._saisie()[1], apercu=apercu)

    @mgmt_view(request_method="POST", request_param="confirmer", tab_condition=False, **VUE)
    def confirmer(self):
        apercu, refus = self._apercu()
        if refus is not None:
            return refus
        numeros = self._saisie()[1]
        if self.request.POST.get("signature") != apercu.signature():
            return self.page(
                apercu.cible.libelle,
                numeros,
                apercu=apercu,
                erreur=_("L'aperçu a changé : vérifiez-le, puis confirmez à nouveau."),
            )
        enfants, inscriptions, journees, restants = r.reinscrire(apercu, self.request, self.context)
        suite = {"restants": restants, "signature": apercu.signature()} if restants else None
        return self.page(
            apercu.cible.libelle,
            numeros,
            bilan=_bilan(apercu.cible.libelle, enfants, inscriptions, journees),
            suite=suite,
        )

    @mgmt_view(request_method="POST", request_param="continuer", tab_condition=False, **VUE)
    def continuer(self):
        """The next batch of the run confirmed (``rentree.continuer``)."""
        libelle, numeros, _exclus = self._saisie()
        suite = r.suite_de(self.context)
        cible = suite and annee_de_libelle(self.context, suite.cible)
        if cible is None or self.request.POST.get("signature") != suite.signature:
            return self.page(
                libelle[:20],
                numeros,
                erreur=_(
                    "Cette réinscription est terminée ou a été remplacée par une autre : "
                    "refaites l'aperçu."
                ),
            )
        enfants, inscriptions, journees, sautes, restants = r.continuer(
            self.context, suite, cible, self.request
        )
        bilan = _bilan(cible.libelle, enfants, inscriptions, journees)
        if sautes:
            bilan = _(
                "${bilan} ${sautes} enfant(s) modifié(s) depuis l'aperçu (inscriptions, "
                "classe, départ) ne sont pas réinscrits : refaites l'aperçu pour eux.",
                mapping={"bilan": self.request.localizer.translate(bilan), "sautes": sautes},
            )
        suite_ = {"restants": restants, "signature": suite.signature} if restants else None
        return self.page(cible.libelle, numeros, bilan=bilan, suite=suite_)

    def page(self, libelle, numeros, apercu=None, erreur=None, bilan=None, suite=None):
        request = self.request
        translate = request.localizer.translate
        return {
            "action": request.sdiapi.mgmt_path(self.context, "@@" + NOM),
            "csrf_token": request.session.get_csrf_token(),
            "cibles": [(a.libelle, a.title) for a in _cibles(self.context)],
            "libelle": libelle,
            "numeros": numeros,
            "erreur": erreur and translate(erreur),
            "bilan": bilan and translate(bilan),
            "suite": suite,
            "apercu": apercu and self._vue(apercu),
        }

    def _vue(self, apercu):
        translate = self.request.localizer.translate
        mgmt_path = self.request.sdiapi.mgmt_path

        def enfant(ligne):
            return {
                "oid": ligne.oid,
                "numero": ligne.famille.__name__,
                "famille": ligne.famille.nom_complet or ligne.famille.title,
                "nom": ligne.enfant.title,
                "classe": ligne.enfant.classe,
                "url": mgmt_path(ligne.enfant, "@@inscriptions"),
                "raison": ligne.raison and translate(ligne.raison),
                "exclu": ligne.exclu,
                "reprises": [
                    {
                        "prestation": r._nom(reprise.prestation),
                        "jours": libelle_jours(reprise.jours),
                        "journees": reprise.journees,
                        "existe": reprise.existe,
                    }
                    for reprise in ligne.reprises
                ],
            }

        lignes = apercu.a_reinscrire
        return {
            "source": apercu.source.libelle,
            "cible": apercu.cible.libelle,
            "debut": dates.courte(apercu.debut),
            "vue_annee": mgmt_path(apercu.cible, "@@vue-annee"),
            "enfants": len(lignes),
            "inscriptions": apercu.inscriptions,
            "journees": apercu.journees,
            "deja": apercu.deja,
            "signature": apercu.signature(),
            "prestations": [
                {"nom": r._nom(p), "enfants": n, "journees": j}
                for p, n, j in apercu.par_prestation()
            ],
            "lignes": [enfant(ligne) for ligne in lignes[:APERCU_MAX]],
            "autres": max(0, len(lignes) - APERCU_MAX),
            "sortants": [enfant(ligne) for ligne in apercu.sortants[:APERCU_MAX]],
            "autres_sortants": max(0, len(apercu.sortants) - APERCU_MAX),
            "nombre_sortants": len(apercu.sortants),
            "avertissements": [translate(a) for a in apercu.avertissements],
            "introuvables": apercu.introuvables,
        }
