"""French-looking names and companies: PII that must look like PII in exports."""

from __future__ import annotations

import functools
import random
import unicodedata

FIRST_NAMES = (
    "Léa",
    "Chloé",
    "Manon",
    "Emma",
    "Camille",
    "Inès",
    "Sarah",
    "Julie",
    "Anaïs",
    "Élodie",
    "Maëlle",
    "Clémence",
    "Margaux",
    "Océane",
    "Pauline",
    "Hélène",
    "Nathalie",
    "Sophie",
    "Isabelle",
    "Céline",
    "Lucas",
    "Hugo",
    "Louis",
    "Nathan",
    "Théo",
    "Mathis",
    "Jules",
    "Gabriel",
    "Raphaël",
    "Arthur",
    "Thomas",
    "Nicolas",
    "Julien",
    "Jérôme",
    "François",
    "Loïc",
    "Benoît",
    "Stéphane",
    "Sébastien",
    "Mehdi",
    "Karim",
    "Yasmine",
    "Amélie",
    "Gaëlle",
    "Noémie",
    "Baptiste",
    "Rémi",
    "Cédric",
    "Aurélien",
    "Mélanie",
)

LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Benoît",
)

COMPANY_WORDS = (
    "Atelier",
    "Boulangerie",
    "Cabinet",
    "Garage",
    "Pharmacie",
    "Studio",
    "Maison",
    "Agence",
    "Domaine",
    "Transports",
    "Menuiserie",
    "Clinique",
    "Librairie",
    "Hôtel",
    "Brasserie",
)

MAIL_DOMAINS = (
    "gmail.com",
    "orange.fr",
    "free.fr",
    "hotmail.fr",
    "wanadoo.fr",
    "sfr.fr",
    "laposte.net",
    "yahoo.fr",
)


@functools.lru_cache(maxsize=1024)  # a few hundred distinct names, slugged millions of times
def ascii_slug(text: str) -> str:
    """Lower-case ASCII form of a name, as mail providers accept it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isalnum() and ch.isascii()).lower()


def person(rng: random.Random) -> tuple[str, str]:
    """A (first name, last name) pair."""
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def company(rng: random.Random, last_name: str) -> str:
    """A small-business name such as `Garage Moreau`."""
    return f"{rng.choice(COMPANY_WORDS)} {last_name}"


def email(rng: random.Random, first: str, last: str, company_name: str | None) -> str:
    """A personal or business e-mail address built from the person's name."""
    first_s, last_s = ascii_slug(first), ascii_slug(last)
    local = rng.choice(
        (f"{first_s}.{last_s}", f"{first_s[0]}{last_s}", f"{first_s}{last_s}{rng.randint(1, 99)}")
    )
    if company_name and rng.random() < 0.5:
        domain = ascii_slug(company_name) + ".fr"
    else:
        domain = rng.choice(MAIL_DOMAINS)
    return f"{local}@{domain}"
