"""Watching the portal: the health check (``/sante``) and the metrics
(``/metriques``, Prometheus) closed to the outside (views.py), one log
line per request and the counters of the requests (journal.py), the
metrics themselves and the hook other packages add theirs with
(metriques.py: ``ajouter_jauge``), the backups' gauges (sauvegardes.py).
README "Surveillance" lists the metrics."""

import os

from pyramid.events import ContextFound
from pyramid.tweens import INGRESS
from pyramid_retry import IBeforeRetry
from pyramid_zodbconn import ZODBConnectionWillClose, get_connection

from . import journal, sauvegardes
from .metriques import ajouter_jauge, compter_courriel, metriques

__all__ = ["ajouter_jauge", "compter_courriel", "metriques"]


def cache_objets(request):
    """Objects in memory (not ghosts) in the caches of this process's
    connections."""
    return get_connection(request).db().cacheSize()


def cache_objets_max(request):
    """The target of each connection's cache, in objects."""
    return get_connection(request).db().getCacheSize()


def connexions(request):
    """Connections open or pooled in this process."""
    return len(get_connection(request).db().cacheDetailSize())


def includeme(config):
    registry = config.registry
    m = metriques(registry)
    port = registry.settings.get("portail.http_port") or ""
    m.registre.set_target_info({"port": str(port), "pid": str(os.getpid())})
    # The outermost tween: its time includes the PDFs frozen after the
    # commit (facturation.figement) and its status the error pages'.
    config.add_tween("portail_famille.surveillance.journal.journal_factory", under=INGRESS)
    config.add_view_deriver(
        journal.vue_deriver, "portail_vue", under="INGRESS", over="secured_view"
    )
    config.add_subscriber(journal.noter_utilisateur, ContextFound)
    config.add_subscriber(journal.compter_reessai, IBeforeRetry)
    config.add_subscriber(journal.compter_transferts, ZODBConnectionWillClose)
    jauges = (
        (
            "portail_zodb_cache_objets",
            "Objets en mémoire dans les caches ZODB du processus.",
            cache_objets,
        ),
        (
            "portail_zodb_cache_objets_max",
            "Objets visés par le cache de chaque connexion.",
            cache_objets_max,
        ),
        (
            "portail_zodb_connexions",
            "Connexions ZODB du processus (ouvertes ou en réserve).",
            connexions,
        ),
        (
            "portail_sauvegarde_age_secondes",
            "Âge de la sauvegarde la plus récente.",
            sauvegardes.age_sauvegarde,
        ),
        (
            "portail_exercice_restauration_ok",
            "Dernier exercice de restauration réussi (1) ou non (0).",
            sauvegardes.exercice_ok,
        ),
        (
            "portail_exercice_restauration_age_secondes",
            "Âge du dernier exercice de restauration.",
            sauvegardes.exercice_age,
        ),
    )
    for nom, aide, fonction in jauges:
        ajouter_jauge(registry, nom, aide, fonction)
