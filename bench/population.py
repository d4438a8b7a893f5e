"""Generated towns for the benchmarks: N families, P pending requests."""

import random

import transaction

from portail_famille.demandes import service

NOMS = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS")
PRENOMS = ("LÉA", "HUGO", "CHLOÉ", "LOUIS", "EMMA", "JULES", "MANON", "LUCAS")


def populate(root, registry, familles, demandes, batch=500, seed=2015):
    """Add ``familles`` families (numbers 2000000000000 + i) and spread
    ``demandes`` pending phone-change requests over them; commits in
    batches.  Returns the numbers of the families made."""
    rng = random.Random(seed)
    folder = root["familles"]
    numeros = []
    for i in range(familles):
        numero = str(2000000000000 + i)
        famille = registry.content.create(
            "Famille",
            responsable={
                "civilite": "Madame",
                "nom": rng.choice(NOMS),
                "prenom": rng.choice(PRENOMS),
                "telephone_domicile": "04.76.00.%02d.%02d" % (i // 100 % 100, i % 100),
                "autorisation_courriel": False,
            },
        )
        folder.add(numero, famille, registry=registry)
        numeros.append(numero)
        if i % batch == batch - 1:
            transaction.commit()
    transaction.commit()
    for j in range(demandes):
        famille = folder[numeros[(j * 7919) % len(numeros)]]
        valeurs = dict(
            famille.responsable,
            mobile="06.%02d.%02d.%02d.%02d"
            % (j // 1000000 % 100, j // 10000 % 100, j // 100 % 100, j % 100),
        )
        service.deposer(famille, "conjoint" if j % 2 else "responsable", valeurs, "bench", registry)
        if j % batch == batch - 1:
            transaction.commit()
    transaction.commit()
    return numeros
