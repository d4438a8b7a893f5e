"""A new family comes in: the staff's flow that creates the Famille and its
parents' accounts at once (``sdi``), after a search by name for the
families it may already be.  No password changes hands: each account gets
an activation link (``comptes.activation``), by mail or on a printed
letter.

It sits above the staff's search (``accueil.recherche``, whose results it
shows as possible duplicates) and the accounts (``comptes``)."""
