"""The message catalogue: every msgid the code uses has a Bokmål and a Nynorsk translation and
an entry in the English catalogue.

The code's msgids come from ``makemessages`` run on a temporary copy of the source tree
(same ignores as the documented command), so the real catalogue is never rewritten; the
gettext tools (``msgattrib``, ``msgcmp``, ``msgfmt``) compare and check the files.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale"
# What the documented makemessages command leaves out (--ignore)...
IGNORED = [".venv", "node_modules", "bench", "tests"]
# ...and what is not copied either: not source, or the catalogue itself.
NOT_SOURCE = {*IGNORED, "locale", "staticfiles", "media", "__pycache__"}
MAKEMESSAGES = ("`DEBUG=true python manage.py makemessages -l nb -l nn -l en --no-obsolete "
                + " ".join(f"--ignore={name}" for name in IGNORED) + "`")


def _catalogue(language: str) -> Path:
    return CATALOGUE / language / "LC_MESSAGES" / "django.po"


def _gettext(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)


def _msgids(po_text: str) -> list[str]:
    """The msgids (first line, continuation lines joined) of the entries in *po_text*."""
    found, current = [], None
    for line in po_text.splitlines():
        if line.startswith("msgid "):
            current = [line[len("msgid "):]]
        elif current is not None and line.startswith('"'):
            current.append(line)
        elif current is not None:
            text = "".join(part.strip()[1:-1] for part in current)
            if text:  # the header's msgid is empty
                found.append(text)
            current = None
    return found


@pytest.fixture(scope="module")
def code_template(tmp_path_factory) -> Path:
    """The .pot of every msgid in the code, from makemessages on a copy of the source."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path_factory.mktemp("source")
    for entry in root.iterdir():
        if entry.name in NOT_SOURCE or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, copy / entry.name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
        else:
            shutil.copy2(entry, copy / entry.name)
    (copy / "locale").mkdir()
    monkeypatch = pytest.MonkeyPatch()
    # makemessages walks the current directory and writes to the first locale path: both
    # point into the copy, so the real catalogue is not touched.
    monkeypatch.chdir(copy)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [copy / "locale"])
    try:
        # --all with no language directory in the copy: only the template is built.
        call_command("makemessages", all=True, keep_pot=True, verbosity=0,
                     ignore_patterns=IGNORED)
    finally:
        monkeypatch.undo()
    pot = copy / "locale" / "django.pot"
    assert pot.exists(), "makemessages wrote no template"
    return pot


def test_the_code_uses_msgids_at_all(code_template):
    # Guards the comparison below: an empty template would find nothing missing.
    assert len(_msgids(code_template.read_text(encoding="utf-8"))) > 500


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_msgid_in_the_code_has_an_entry_in_the_catalogue(language, code_template):
    result = _gettext("msgcmp", "--no-fuzzy-matching", "--use-untranslated", "--use-fuzzy",
                      str(_catalogue(language)), str(code_template))
    missing = [line for line in result.stderr.splitlines() if "used but not defined" in line]
    assert result.returncode == 0 and not missing, (
        f"{len(missing)} msgids in the code have no entry in {language}; run {MAKEMESSAGES} "
        f"and translate them:\n" + "\n".join(missing[:30]) + "\n" + result.stderr[-2000:]
    )


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_norwegian_entry_is_translated(language):
    result = _gettext("msgattrib", "--untranslated", "--no-obsolete", str(_catalogue(language)))
    assert result.returncode == 0, result.stderr
    untranslated = _msgids(result.stdout)
    assert not untranslated, (
        f"{len(untranslated)} {language} entries have no translation:\n" + "\n".join(untranslated)
    )


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_no_entry_is_fuzzy(language):
    # A fuzzy entry is msgmerge's guess from a similar msgid: not compiled, often wrong.
    result = _gettext("msgattrib", "--only-fuzzy", "--no-obsolete", str(_catalogue(language)))
    assert result.returncode == 0, result.stderr
    fuzzy = _msgids(result.stdout)
    assert not fuzzy, f"{len(fuzzy)} {language} entries are fuzzy:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_catalogue_compiles_without_a_duplicate_or_a_broken_placeholder(language):
    result = _gettext("msgfmt", "--check", "-o", "/dev/null", str(_catalogue(language)))
    assert result.returncode == 0, result.stderr
