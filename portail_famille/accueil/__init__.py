"""The family's home page ("Accueil"): what several domains show together
(the account's operations in progress, the news), so it sits above them."""
