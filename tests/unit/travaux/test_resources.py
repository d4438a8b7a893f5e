"""The job and the queue, without a database: ids sort by creation, a job
may be claimed while waiting or once its lease expired, its progress in
percent, the queue's newest jobs and unfinished ones."""

from portail_famille.travaux import resources
from portail_famille.travaux.resources import FileDeTravaux, Travail, nouvel_identifiant


def travail(n=10, quand=1_000_000.0):
    return Travail("essai", [str(i) for i in range(n)], {}, "agent", "Essai", "p", 3, quand)


def test_ids_sort_by_creation_and_are_unique():
    ids = [nouvel_identifiant(t) for t in (1_000_000, 1_000_000, 1_000_001, 2_000_000)]
    # the same second: both before the next second, in any order
    assert ids[1:] == sorted(ids[1:]) and max(ids[:2]) < ids[2] and len(set(ids)) == 4
    assert ids[0].startswith("19700112T134640-")


def test_a_job_may_be_claimed_waiting_or_after_its_lease():
    t = travail()
    assert t.etat == resources.EN_ATTENTE and t.reclamable(0)
    t.etat, t.titulaire, t.bail_fin = resources.EN_COURS, "w1", 100.0
    assert not t.reclamable(99.9) and t.reclamable(100.1)
    for fini in resources.FINIS:
        t.etat = fini
        assert not t.reclamable(10**10)


def test_progress_and_units():
    t = travail(7)
    assert (t.total, t.faits, t.pourcentage()) == (7, 0, 0)
    assert t.unites.tranche(3, 3 + t.lot) == ("3", "4", "5")
    t.curseur = 5
    assert (t.faits, t.pourcentage()) == (5, 71)
    assert travail(0).pourcentage() == 100
    t.noter_erreur("Famille n° 3 introuvable.", 5.0)
    assert list(t.erreurs) == [(5.0, "Famille n° 3 introuvable.")]


def test_the_queue_lists_the_unfinished_and_the_newest():
    file = FileDeTravaux()
    jobs = [file.ajouter(travail(quand=1_000_000.0 + i)) for i in range(5)]
    assert [t.id for t in file.en_file()] == [t.id for t in jobs]
    file.retirer(jobs[1])
    file.retirer(jobs[1])  # twice: nothing more
    assert [t.id for t in file.en_file()] == [t.id for i, t in enumerate(jobs) if i != 1]
    assert [t.id for t in file.recents(3)] == [t.id for t in reversed(jobs[2:])]
    assert len(file.recents(50)) == 5
    assert file.get(jobs[0].id) is jobs[0]
    assert file.get(["x"]) is None and file.get("inconnu") is None
    assert FileDeTravaux().recents() == []
