"""The metrics of one application (one process): counters and histograms
kept in a ``CollectorRegistry`` of the application's registry, and gauges
read when Prometheus asks (``/metriques``).

Per process, not shared between processes: each process of
``portail-famille@<port>`` is its own Prometheus target (its port in
Prometheus's ``instance`` label, and in ``target_info``).  Prometheus sums
or compares the processes itself (``sum by (route) (rate(...))``); a
restarted process starts its counters at zero again, which ``rate()``
and ``increase()`` read as a reset.  prometheus-client's multiprocess
mode (one file per process in a shared directory, summed at each scrape)
was not chosen: it needs a directory wiped at each start of the service,
its gauges need a mode per gauge, and a scrape would read every file of
every process that ever ran.

Lower layers and domains do not import the packages they report on:
a package adds what it knows through ``ajouter_jauge`` (a function called
at each scrape: jobs waiting, SMS sent...) from its own includeme, and
counts through the functions below (mails, retries, load shedding).
"""

import threading

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

# No ``*_created`` series beside each counter (Prometheus does not need
# them: a reset is seen in the values); a setting of the library, global.
disable_created_metrics()

# Seconds: from a static file to an invoicing run's page.
DUREES = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Jauge:
    """A gauge computed at each scrape by ``fonction(request)``: a number,
    ``{(label values...): number}`` when ``etiquettes`` names labels, or
    None (no sample: nothing to report)."""

    def __init__(self, nom, aide, fonction, etiquettes=()):
        self.nom = nom
        self.aide = aide
        self.fonction = fonction
        self.etiquettes = tuple(etiquettes)

    def famille(self, request):
        valeur = self.fonction(request)
        if valeur is None:
            return None
        famille = GaugeMetricFamily(self.nom, self.aide, labels=self.etiquettes)
        if self.etiquettes:
            for labels, nombre in sorted(valeur.items()):
                if not isinstance(labels, tuple):
                    labels = (labels,)
                famille.add_metric([str(x) for x in labels], float(nombre))
        else:
            famille.add_metric([], float(valeur))
        return famille


class _Instantane:
    """What one scrape exposes: the counters, then the gauges it read."""

    def __init__(self, registre, familles):
        self.registre = registre
        self.familles = familles

    def collect(self):
        yield from self.registre.collect()
        yield from self.familles


class Metriques:
    """The metrics of one application."""

    def __init__(self):
        self.registre = CollectorRegistry(auto_describe=True)
        self.jauges = {}
        self.verrou = threading.Lock()
        r = self.registre
        self.requetes = Counter(
            "portail_requetes",
            "Requêtes servies, par vue (module:fonction), méthode et statut HTTP.",
            ["route", "methode", "statut"],
            registry=r,
        )
        self.durees = Histogram(
            "portail_requete_duree_secondes",
            "Durée des requêtes dans l'application, par vue.",
            ["route"],
            buckets=DUREES,
            registry=r,
        )
        self.surcharge = Counter(
            "portail_surcharge_refus",
            "Requêtes refusées tout de suite (503, Retry-After) : processus plein.",
            registry=r,
        )
        self.conflits = Counter(
            "portail_zodb_conflits",
            "Tentatives de requête terminées par un conflit d'écriture ZODB.",
            registry=r,
        )
        self.reessais = Counter(
            "portail_reessais",
            "Requêtes recommencées (pyramid_retry), par erreur.",
            ["erreur"],
            registry=r,
        )
        self.chargements = Counter(
            "portail_zodb_chargements",
            "Objets lus dans la base faute d'être dans le cache de la connexion.",
            registry=r,
        )
        self.ecritures = Counter(
            "portail_zodb_ecritures",
            "Objets écrits dans la base.",
            registry=r,
        )
        self.courriels = Counter(
            "portail_courriels",
            "Courriels remis au serveur de messagerie (resultat: envoye, echec).",
            ["resultat"],
            registry=r,
        )

    def ajouter(self, jauge):
        with self.verrou:
            self.jauges[jauge.nom] = jauge

    def exposer(self, request):
        """The text Prometheus reads: the counters and every gauge now."""
        familles = []
        with self.verrou:
            jauges = list(self.jauges.values())
        for jauge in jauges:
            famille = jauge.famille(request)
            if famille is not None:
                familles.append(famille)
        return generate_latest(_Instantane(self.registre, familles))


def metriques(registry):
    """The application's metrics (made at the first call)."""
    found = registry.__dict__.get("portail_metriques")
    if found is None:
        found = registry.__dict__.setdefault("portail_metriques", Metriques())
    return found


def ajouter_jauge(registry, nom, aide, fonction, etiquettes=()):
    """Add a gauge read at each scrape: ``fonction(request)`` (inside the
    scrape's transaction: it may read ``request.root``, never write)
    returns a number, ``{label values: number}`` with ``etiquettes``, or
    None.  Called from a package's includeme with ``config.registry``:

        ajouter_jauge(config.registry, "portail_travaux_en_attente",
                      "Travaux en attente.", compter_en_attente)
    """
    metriques(registry).ajouter(Jauge(nom, aide, fonction, etiquettes))


def compter_courriel(registry, envoye):
    metriques(registry).courriels.labels(resultat="envoye" if envoye else "echec").inc()


def compter_refus_surcharge(registry):
    metriques(registry).surcharge.inc()
