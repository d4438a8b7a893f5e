"""Structures (Accueil de Loisirs ALSH, Garderie périscolaire) and their
prestations (Mercredi après-midi, Garderie matin, …), managed by agents in
the SDI."""
