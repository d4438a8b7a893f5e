"""Accounts in the SDI:

- ``connexion``: SubstanceD's own login, logout and password screens sent
  to the portal's or replaced by ours (one login, one throttle, one
  password policy), and an account's "Accès" tab;
- ``parents``: a Famille's "Comptes parents" tab (the parents' accounts)."""
