"""Activation links on an explicit clock: their states, the replacement of
an account's previous link, and old links forgotten after ``GARDE``."""

from portail_famille.comptes import activation


class Racine:
    pass


class Compte:
    def __init__(self, password=None):
        self.password = password


def test_the_states_of_a_link():
    root, user = Racine(), Compte()
    comptes = {1: user}
    token = activation.create(root, user, 1, now=1000)
    assert activation.find(root, token, comptes.get, now=1000 + activation.LIFETIME - 1) == (
        activation.VALIDE,
        user,
    )
    assert activation.find(root, token, comptes.get, now=1001 + activation.LIFETIME) == (
        activation.EXPIRE,
        user,
    )
    user.password = b"$2b$04$hash"  # chosen since (by this link or another way)
    assert activation.find(root, token, comptes.get, now=2000)[0] == activation.UTILISE
    assert activation.find(root, "x" * 101, comptes.get) == (activation.INCONNU, None)
    assert activation.find(root, token + "x", comptes.get) == (activation.INCONNU, None)
    assert activation.find(root, token, {}.get, now=2000) == (activation.INCONNU, None)


def test_a_used_link_stays_used():
    root, user = Racine(), Compte()
    token = activation.create(root, user, 1, now=1000)
    activation.consume(root, token)
    assert activation.find(root, token, {1: user}.get, now=1000)[0] == activation.UTILISE


def test_old_links_are_forgotten_without_reading_the_others():
    root, paul, lea = Racine(), Compte(), Compte()
    comptes = {1: paul, 2: lea}
    first = activation.create(root, paul, 1, now=1000)
    second = activation.create(root, paul, 1, now=2000)
    assert activation.find(root, first, comptes.get, now=2000)[0] == activation.REMPLACE
    later = 1000 + activation.LIFETIME + activation.GARDE + 1
    activation.create(root, lea, 2, now=later)
    assert activation.find(root, first, comptes.get, now=later) == (activation.INCONNU, None)
    assert activation.find(root, second, comptes.get, now=later)[0] == activation.EXPIRE
    store = activation._store(root)
    assert len(store.liens) == len(store.echeances) == 2
