"""Queue a long job, and run it in chunks (the worker: ``script``).

A request queues (``mettre_en_file``) and returns at once; a worker
(``Travailleur``) claims a job, runs it chunk after chunk, each chunk in
its own transaction with the job's cursor: a unit's effect and its "done"
mark are committed together, so after ``kill -9`` the next worker resumes
at the first unit not committed and does nothing twice.

Claiming is a write of the Travail (holder, lease's end): two workers that
claim it at once conflict, one wins, the other looks for another job.  The
holder renews its lease at each chunk; a job whose lease expired (its
worker killed, its machine gone) is taken over by any worker, and its old
holder, if it comes back, conflicts on the Travail at its next commit and
lets go.  The lease (``portail.travaux.bail``, BAIL seconds) must be far
longer than one chunk; the workers' clocks are assumed in step (NTP).

A kind of job (``Genre``) is registered by its domain's includeme
(``config.add_genre_travail``): this package imports no domain.
"""

import logging
import os
import random
import socket
import time
import uuid

import transaction
from pyramid_retry import IRetryableError
from transaction.interfaces import TransientError
from ZODB.POSException import ConflictError
from zope.interface import Interface

from ..i18n import _
from ..retry import attente as attente_avant_essai
from ..security import login
from ..stockage import marquer_si_deconnexion
from ..util import root_attribute
from .resources import (
    ATTRIBUT,
    ECHOUE,
    EN_ATTENTE,
    EN_COURS,
    TERMINE,
    FileDeTravaux,
    Travail,
)

log = logging.getLogger(__name__)

BAIL = 120  # seconds a worker holds a job without committing a chunk
ATTENTE = 5  # seconds between two polls of an idle worker
ESSAIS = 10  # attempts of a chunk that conflicts with other writes
ERREURS_MAX = 100  # units in error before a job is given up ("échoué")
LOT = 100  # units per chunk, unless the kind or the request says otherwise


class IGenres(Interface):
    """{name: Genre} of the kinds of job the domains registered."""


class Genre:
    """A kind of job.  ``traiter(request, root, travail, unites)`` does the
    work of ``unites`` in the caller's transaction (it commits nothing);
    ``permission``: who may follow such a job (and should have queued it);
    ``unite(value)``: the French name of a unit in an error message;
    ``terminer(request, root, travail)``: in the last chunk's transaction;
    ``retour(request, travail)``: the URL of the page that started it;
    ``lieu(root)``: where ``permission`` is held (default: the root);
    ``bilan(request, travail)``: what a finished job did, in French (its
    page shows it), or None."""

    def __init__(
        self,
        nom,
        titre,
        traiter,
        permission,
        lot=LOT,
        unite=str,
        terminer=None,
        retour=None,
        lieu=None,
        bilan=None,
    ):
        self.nom = nom
        self.titre = titre
        self.traiter = traiter
        self.permission = permission
        self.lot = lot
        self.unite = unite
        self.terminer = terminer
        self.retour = retour
        self.lieu = lieu or (lambda root: root)
        self.bilan = bilan


def ajouter_genre(config, genre):
    """``config.add_genre_travail(genre)``: a domain's kind of job."""
    found = config.registry.queryUtility(IGenres)
    if found is None:
        found = {}
        config.registry.registerUtility(found, IGenres)
    found[genre.nom] = genre


def genres(registry):
    return registry.queryUtility(IGenres) or {}


def file_de(root):
    """The root's queue, or None (a database not evolved yet): reading
    never writes."""
    return getattr(root, ATTRIBUT, None)  # not __dict__: a ghost's is empty


def creer_file(root):
    """The root's queue, made when missing (the root's creation, evolve)."""
    return root_attribute(root, ATTRIBUT, FileDeTravaux)


def reglage(registry, nom, defaut):
    valeur = (registry.settings or {}).get("portail.travaux.%s" % nom)
    return float(valeur) if valeur not in (None, "") else defaut


def mettre_en_file(request, root, nom, unites, parametres, titre, lot=None):
    """Queue a job of the kind ``nom`` over ``unites`` (in the request's
    transaction: nothing is queued if it aborts); returns the Travail."""
    genre = genres(request.registry)[nom]
    travail = Travail(
        nom,
        unites,
        parametres,
        login(request),
        titre,
        genre.permission,
        lot or int(reglage(request.registry, "lot", genre.lot)),
    )
    creer_file(root).ajouter(travail)
    log.info("Job %s queued (%s, %d units) by %s", travail.id, nom, travail.total, travail.par)
    return travail


def nom_de_travailleur():
    """host:pid:random, unique among the workers of every machine."""
    return "%s:%d:%s" % (socket.gethostname(), os.getpid(), uuid.uuid4().hex[:6])


def passagere(exc):
    """Whether ``exc`` says nothing about the unit (a write conflict, the
    database out of reach: ZEO's ClientDisconnected, PostgreSQL's lost
    connection): the chunk is done again, never passed over."""
    return (
        isinstance(exc, TransientError)
        or IRetryableError.providedBy(exc)
        or bool(marquer_si_deconnexion(exc))
    )


class Perdu(Exception):
    """The job is no longer this worker's (taken over, finished)."""


class Travailleur:
    """One worker on one connection's ``root``: ``passe()`` runs every job
    it can claim to its end; ``boucle()`` polls forever, ``arreter()``
    (SIGTERM) stops it after the current chunk."""

    def __init__(self, request, root, tm=None, nom=None, bail=None, attente=None):
        registry = request.registry
        self.request = request
        self.root = root
        self.tm = tm or transaction.manager
        self.nom = nom or nom_de_travailleur()
        self.bail = bail if bail is not None else reglage(registry, "bail", BAIL)
        self.attente = attente if attente is not None else reglage(registry, "attente", ATTENTE)
        self.genres = genres(registry)
        self.arrete = False
        self.lots = 0  # chunks committed
        self.unites = 0  # units committed

    def arreter(self, *_args):
        self.arrete = True

    def _nouvelle_transaction(self):
        self.tm.abort()
        self.tm.begin()  # the other processes' commits are seen from here

    def _traduire(self, texte):
        return self.request.localizer.translate(texte)

    def reclamer(self):
        """Take the oldest job that may be taken; its id, or None."""
        for essai in range(ESSAIS):
            self._nouvelle_transaction()
            file = file_de(self.root)
            if file is None:
                self.tm.abort()
                return None
            maintenant = time.time()
            for travail in file.en_file():
                if travail.genre not in self.genres or not travail.reclamable(maintenant):
                    continue
                if travail.etat == EN_COURS:
                    travail.reprises += 1
                    travail.noter_erreur(
                        self._traduire(
                            _(
                                "Repris par ${nouveau} : ${ancien} ne répondait plus "
                                "(bail expiré).",
                                mapping={"nouveau": self.nom, "ancien": travail.titulaire},
                            )
                        ),
                        maintenant,
                    )
                travail.etat = EN_COURS
                travail.titulaire = self.nom
                travail.bail_fin = maintenant + self.bail
                travail.debut = travail.debut or maintenant
                identifiant = travail.id
                try:
                    self.tm.commit()
                except ConflictError:
                    self.tm.abort()
                    time.sleep(random.uniform(0, attente_avant_essai(essai)))  # noqa: S311
                    break  # another worker moved: look again
                log.info("Job %s claimed by %s", identifiant, self.nom)
                return identifiant
            else:
                self.tm.abort()
                return None
        return None

    def _travail(self, identifiant):
        file = file_de(self.root)
        travail = file.get(identifiant) if file is not None else None
        if travail is None or travail.etat != EN_COURS or travail.titulaire != self.nom:
            raise Perdu(identifiant)
        return file, travail

    def _avancer(self, file, travail, fin):
        """The cursor moved to ``fin`` and the lease renewed, in the chunk's
        transaction; the job finished when nothing is left."""
        maintenant = time.time()
        travail.curseur = fin
        travail.bail_fin = maintenant + self.bail
        if fin >= travail.total:
            travail.etat = TERMINE
            travail.fin = maintenant
            travail.titulaire = None
            travail.bail_fin = None
            file.retirer(travail)
            genre = self.genres[travail.genre]
            if genre.terminer is not None:
                genre.terminer(self.request, self.root, travail)

    def lot(self, identifiant):
        """Run the next chunk of the job; whether some is left to do by
        this worker (False: finished, failed or no longer ours)."""
        for essai in range(ESSAIS):
            self._nouvelle_transaction()
            try:
                file, travail = self._travail(identifiant)
            except Perdu:
                self.tm.abort()
                return False
            genre = self.genres[travail.genre]
            debut = travail.curseur
            fin = min(debut + travail.lot, travail.total)
            unites = travail.unites.tranche(debut, fin)
            try:
                genre.traiter(self.request, self.root, travail, unites)
                self._avancer(file, travail, fin)
                self.tm.commit()
            except Exception as e:
                self.tm.abort()
                if passagere(e):  # a conflict, the database out of reach
                    time.sleep(random.uniform(0, attente_avant_essai(essai)))  # noqa: S311
                    continue
                log.exception(
                    "Job %s: chunk %d-%d failed, unit by unit now", identifiant, debut, fin
                )
                return self._unite_par_unite(identifiant, debut, fin)
            self.lots += 1
            self.unites += len(unites)
            return fin < travail.total
        return True  # conflicted every time: the lease holds, try again

    def _unite_par_unite(self, identifiant, debut, fin):
        """A chunk that raised, done again one unit per transaction: a unit
        that raises is noted in the job's errors and passed over."""
        for position in range(debut, fin):
            for essai in range(ESSAIS):
                self._nouvelle_transaction()
                try:
                    file, travail = self._travail(identifiant)
                except Perdu:
                    self.tm.abort()
                    return False
                if travail.curseur != position:  # another worker's commit
                    self.tm.abort()
                    return False
                genre = self.genres[travail.genre]
                unites = travail.unites.tranche(position, position + 1)
                try:
                    genre.traiter(self.request, self.root, travail, unites)
                except Exception as e:
                    self.tm.abort()
                    if passagere(e):
                        time.sleep(random.uniform(0, attente_avant_essai(essai)))  # noqa: S311
                        continue
                    log.exception("Job %s: unit %r failed", identifiant, unites[0])
                    self._nouvelle_transaction()
                    file, travail = self._travail(identifiant)
                    travail.noter_erreur(
                        self._traduire(
                            _(
                                "${unite} : non traité (${erreur}).",
                                mapping={
                                    "unite": self._traduire(genre.unite(unites[0])),
                                    "erreur": type(e).__name__,
                                },
                            )
                        )
                    )
                    travail.echecs += 1
                    if travail.echecs > ERREURS_MAX:
                        travail.etat = ECHOUE
                        travail.fin = time.time()
                        travail.titulaire = None
                        file.retirer(travail)
                        travail.noter_erreur(
                            self._traduire(_("Trop d'erreurs : le travail est arrêté."))
                        )
                        self.tm.commit()
                        return False
                self._avancer(file, travail, position + 1)
                try:
                    self.tm.commit()
                except ConflictError:
                    self.tm.abort()
                    time.sleep(random.uniform(0, attente_avant_essai(essai)))  # noqa: S311
                    continue
                self.unites += 1
                break
            else:
                return True
        return fin < self._total(identifiant)

    def _total(self, identifiant):
        file = file_de(self.root)
        travail = file.get(identifiant) if file is not None else None
        return travail.total if travail is not None else 0

    def passe(self):
        """Run every job this worker may claim, to its end (or until
        stopped); the number of chunks committed."""
        avant = self.lots
        while not self.arrete:
            identifiant = self.reclamer()
            if identifiant is None:
                break
            while not self.arrete and self.lot(identifiant):
                pass
            if self.arrete:
                self.liberer(identifiant)
        self.tm.abort()
        return self.lots - avant

    def liberer(self, identifiant):
        """Give the job back to the queue (a worker stopped by SIGTERM
        between two chunks): another worker takes it at once, without
        waiting for the lease to expire."""
        for essai in range(ESSAIS):
            self._nouvelle_transaction()
            try:
                _file, travail = self._travail(identifiant)
            except Perdu:
                self.tm.abort()
                return
            travail.etat = EN_ATTENTE
            travail.titulaire = None
            travail.bail_fin = None
            try:
                self.tm.commit()
            except ConflictError:
                self.tm.abort()
                time.sleep(random.uniform(0, attente_avant_essai(essai)))  # noqa: S311
                continue
            log.info("Job %s given back by %s (stopped)", identifiant, self.nom)
            return

    def boucle(self, dormir=time.sleep):
        """Poll until stopped: a pass, then ``attente`` seconds of sleep
        (in short naps, so a SIGTERM ends it quickly)."""
        log.info("Worker %s started (lease %ss, poll every %ss)", self.nom, self.bail, self.attente)
        while not self.arrete:
            try:
                self.passe()
            except Exception:  # the database out of reach...: poll again later
                log.exception("Worker %s: pass interrupted", self.nom)
                self.tm.abort()
            fin = time.monotonic() + self.attente
            while not self.arrete and time.monotonic() < fin:
                dormir(min(0.2, self.attente))
        log.info("Worker %s stopped (%d chunks, %d units)", self.nom, self.lots, self.unites)
