"""The third-party strings Planportal shows are translated in Nynorsk and Bokmål.

Django's nn and nb catalogues leave some admin, auth and form strings untranslated, Django
REST framework's nn catalogue is empty and django-filter ships neither language; what is
missing lives in planportal/admin_locale. Each source's msgid list is checked against the
catalogue Django merges for a language (every installed app's, then LOCALE_PATHS), so a
msgid is covered whichever catalogue translates it.

The msgid lists are the sources' English (or, for django-filter, German) catalogues, turned
into catalogues whose translation is the msgid (``msgen``) and compiled, so contexts and
plurals come out as gettext keys. A Django or package upgrade that adds msgids fails here
until planportal/admin_locale translates them.
"""

import gettext
import subprocess
from pathlib import Path

import allauth
import django
import django_filters
import pytest
import rest_framework
from django.utils.translation import trans_real

DJANGO = Path(django.__file__).parent


def _package_catalogue(package, relative: str) -> Path:
    return Path(package.__file__).parent / "locale" / relative / "LC_MESSAGES" / "django.po"


#: (name, msgid list, domain). DRF ships only .mo files: its en catalogue maps every msgid
#: to itself.
SOURCES = [
    ("Django core", DJANGO / "conf/locale/en/LC_MESSAGES/django.po", "django"),
    ("Django admin", DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po", "django"),
    ("Django admin JavaScript", DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po",
     "djangojs"),
    ("Django auth", DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po", "django"),
    ("Django REST framework",
     Path(rest_framework.__file__).parent / "locale/en/LC_MESSAGES/django.mo", "django"),
    ("django-filter", _package_catalogue(django_filters, "de"), "django"),
    ("django-allauth", _package_catalogue(allauth, "en"), "django"),
]

#: Our translations that are rightly the msgid itself: punctuation, and names and technical
#: terms Norwegian uses as they are.
SAME_AS_ENGLISH = {", ", "IPv4", "IPv6", "server", "MFA", "WebAuthn", "Headless", "uid", "token",
                   "Token"}
ADMIN_LOCALE = Path(__file__).resolve().parents[2] / "planportal" / "admin_locale"


def _compiled(source: Path, tmp_path: Path) -> Path:
    if source.suffix == ".mo":
        return source
    english = subprocess.run(["msgen", "--no-wrap", str(source)], capture_output=True,
                             check=True, timeout=60).stdout
    compiled = tmp_path / f"{source.parent.parent.parent.name}-{source.stem}.mo"
    subprocess.run(["msgfmt", "--use-fuzzy", "-o", str(compiled), "-"], input=english,
                   check=True, timeout=60)
    return compiled


def _keys(source: Path, tmp_path: Path) -> list[str | tuple[str, int]]:
    """The gettext keys of *source*: "context\\x04msgid" or the msgid, (msgid, n) for plurals."""
    with _compiled(source, tmp_path).open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    keys = [key for key in catalog if key != ""]
    plural_msgids = {key[0] for key in keys if isinstance(key, tuple)}
    # Every plural form the Norwegian catalogues have (nplurals=2), whatever English has.
    return [key for key in keys if not isinstance(key, tuple)] + [
        (msgid, n) for msgid in sorted(plural_msgids) for n in (0, 1)]


def _merged(language: str, domain: str):
    if domain == "django":
        return trans_real.translation(language)._catalog
    return trans_real.DjangoTranslation(language, domain=domain)._catalog


def _readable(key: str | tuple[str, int]) -> str:
    text, suffix = (key[0], f" [plural {key[1]}]") if isinstance(key, tuple) else (key, "")
    return text.replace("\x04", " | ") + suffix


@pytest.mark.parametrize("language", ["nn", "nb"])
@pytest.mark.parametrize(("name", "source", "domain"), SOURCES, ids=[s[0] for s in SOURCES])
def test_every_third_party_msgid_is_translated(language, name, source, domain, tmp_path):
    keys = _keys(source, tmp_path)
    assert len(keys) > 20, f"{name}: no msgids read from {source}"
    catalogue = _merged(language, domain)
    missing = [key for key in keys if not catalogue.get(key)]
    assert not missing, (
        f"{len(missing)} {name} msgids have no {language} translation; add them to "
        f"planportal/admin_locale/{language}/LC_MESSAGES/{domain}.po and compile:\n"
        + "\n".join(_readable(key) for key in missing)
    )


@pytest.mark.parametrize("language", ["nn", "nb"])
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_no_hand_maintained_translation_is_left_in_english(language, domain, tmp_path):
    catalogue = ADMIN_LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    compiled = tmp_path / f"{domain}.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(catalogue)], check=True, timeout=60)
    with compiled.open("rb") as mo:
        translations = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    english = []
    for key, text in translations.items():
        msgid = (key[0] if isinstance(key, tuple) else key).rpartition("\x04")[2]
        if key and text == msgid and msgid not in SAME_AS_ENGLISH:
            english.append(_readable(key))
    assert not english, f"{catalogue}: translations that are the English text:\n" + (
        "\n".join(english))


@pytest.mark.parametrize("language", ["nn", "nb"])
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_hand_maintained_catalogue_compiles_without_a_duplicate_or_a_broken_placeholder(
        language, domain):
    catalogue = ADMIN_LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(catalogue)],
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
