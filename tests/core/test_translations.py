"""The message catalogs: complete, placeholder-safe, compiled, and used by the pages.

The ``.po`` files are read with a tiny parser below (no extra dependency). The compiled ``.mo``
files are committed, so they must say exactly what the ``.po`` files say: every entry is looked up
through :class:`gettext.GNUTranslations` and compared. See ``docs/TRANSLATING.md``.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

import melayani

LOCALE_DIR = Path(melayani.__file__).resolve().parent / "locale"
PLURAL_FORMS = {"id": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
NPLURALS = {"id": 1, "en": 2}
LANGUAGES = sorted(PLURAL_FORMS)


# --- A tiny .po parser -----------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"line {self.line}: {self.msgid[:60]!r}"

    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[k] for k in sorted(self.msgstr_plural)]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')


def _unquote(text: str) -> str:
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries in file order, the header (``msgid ""``) first; obsolete ``#~`` entries skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        keyword_match = _KEYWORD.match(line)
        starts_entry = line.startswith("#") or (
            keyword_match is not None and keyword_match.group(1) in ("msgctxt", "msgid")
        )
        if starts_entry and target is not None and target[0] == "msgstr":
            finish()  # no blank line between two entries
        current = current or Entry(line=number)
        if line.startswith("#"):
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if keyword_match:
            keyword, index = keyword_match.group(1), keyword_match.group(2)
            value = _unquote(keyword_match.group(3))
            target = (keyword, int(index) if index is not None else None)
            if index is not None:
                current.msgstr_plural[int(index)] = value
            else:
                setattr(current, keyword, value)
            continue
        assert line.startswith('"') and target is not None, (path, number)
        keyword, index = target
        if index is not None:
            current.msgstr_plural[index] += _unquote(line)
        else:
            setattr(current, keyword, getattr(current, keyword) + _unquote(line))
    finish()
    return entries


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def catalog(language: str) -> tuple[Entry, list[Entry]]:
    entries = parse_po(po_path(language))
    assert entries and entries[0].msgid == "", "the header comes first"
    return entries[0], entries[1:]


_PLACEHOLDER = re.compile(
    r"%%"  # an escaped percent sign, not a placeholder
    r"|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %(name)s, %(count)d
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %s, %d
    r"|\{\w*(?:![rsa])?(?::[^{}]*)?\}"  # {name}, {0}, {}
)


def placeholders(text: str) -> set[str]:
    return {found for found in _PLACEHOLDER.findall(text) if found != "%%"}


# --- The catalogs themselves -----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_exists_with_the_right_header(language: str) -> None:
    header, entries = catalog(language)
    assert len(entries) > 100
    fields = dict(line.split(": ", 1) for line in header.msgstr.splitlines() if ": " in line)
    assert fields["Language"] == language
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_is_fuzzy(language: str) -> None:
    header, entries = catalog(language)
    fuzzy = [entry.where for entry in [header, *entries] if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries in {language}: {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated(language: str) -> None:
    _, entries = catalog(language)
    empty = [
        entry.where
        for entry in entries
        if not all(entry.translations())
        or (entry.msgid_plural is not None and len(entry.msgstr_plural) != NPLURALS[language])
    ]
    assert not empty, f"untranslated entries in {language}: {empty}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    _, entries = catalog(language)
    broken = []
    for entry in entries:
        for index, text in enumerate(entry.translations()):
            source = entry.msgid
            if entry.msgid_plural is not None and (index > 0 or NPLURALS[language] == 1):
                source = entry.msgid_plural
            if placeholders(text) != placeholders(source):
                broken.append(
                    (entry.where, sorted(placeholders(source)), sorted(placeholders(text)))
                )
    assert not broken, f"placeholders differ in {language}: {broken}"


#: Names ``makemessages`` extracts strings from (xgettext's defaults plus Django's keywords).
EXTRACTED_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "gettext_noop",
}


def test_translation_functions_keep_names_makemessages_extracts() -> None:
    # ``gettext_lazy as _l`` compiles and runs, but its strings never reach the catalogue and
    # are shown in English on Indonesian pages.
    imported = re.compile(r"import[^\n]*\b(\w*gettext\w*) as (\w+)")
    wrong = [
        f"{path.relative_to(LOCALE_DIR.parent)}: {function} as {alias}"
        for path in LOCALE_DIR.parent.rglob("*.py")
        for function, alias in imported.findall(path.read_text(encoding="utf-8"))
        if alias not in EXTRACTED_NAMES
    ]
    assert wrong == []


def test_english_catalog_is_the_source_text() -> None:
    _, entries = catalog("en")
    different = [
        entry.where
        for entry in entries
        if entry.translations()
        != ([entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural])
    ]
    assert not different


def test_both_catalogs_have_the_same_messages() -> None:
    keys = {
        language: {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalog(language)[1]}
        for language in LANGUAGES
    }
    assert keys["id"] == keys["en"]


def test_indonesian_catalog_is_actually_indonesian() -> None:
    # Identical text is fine for names and abbreviations (Pemda, NIK, WIB (UTC+7)), not for prose.
    _, entries = catalog("id")

    def words(text: str) -> list[str]:
        return re.findall(r"[^\W\d_]{2,}", _PLACEHOLDER.sub(" ", text))

    same = [e.where for e in entries if e.msgstr == e.msgid and len(words(e.msgid)) > 3]
    assert not same


def test_parser_reads_multiline_escaped_and_plural_entries(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid ""\n"Say \\"%(name)s\\" "\n"twice"\n'
        'msgstr "Ucap \\"%(name)s\\" dua kali"\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgstr "Mei"\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s hari"\n\n'
        '#~ msgid "gone"\n#~ msgstr "hilang"\n',
        encoding="utf-8",
    )
    header, said, month, days = parse_po(po)
    assert header.msgstr == "Language: id\n"
    assert said.msgid == 'Say "%(name)s" twice' and "python-format" in said.flags
    assert placeholders(said.msgstr) == {"%(name)s"}
    assert (month.msgctxt, month.msgstr) == ("month", "Mei")
    assert days.msgid_plural == "%(n)s days" and days.msgstr_plural == {0: "%(n)s hari"}
    assert placeholders("100%% {count} %s %(x)d {}") == {"{count}", "%s", "%(x)d", "{}"}


# --- The compiled catalogs say what the sources say ------------------------------------------


def _plural_index(language: str, n: int) -> int:
    return 0 if language == "id" else int(n != 1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_source(language: str) -> None:
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists(), f"run compilemessages: {mo} is missing"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    _, entries = catalog(language)
    stale = []
    for entry in entries:
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr:
                stale.append(entry.where)
            continue
        for n in (1, 2, 5):
            expected = entry.msgstr_plural[_plural_index(language, n)]
            if entry.msgctxt is None:
                got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
            else:
                got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
            if got != expected:
                stale.append(f"{entry.where} (n={n})")
    assert not stale, f"{mo} is out of date; run compilemessages: {stale}"
    # Nothing more in the compiled catalog than in the source (the header is the extra key).
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in compiled._catalog}  # type: ignore[attr-defined]
    source_ids = {
        entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        for entry in entries
    }
    assert compiled_ids - {""} == source_ids, f"{mo} is out of date; run compilemessages"


# --- Django uses them ------------------------------------------------------------------------


def test_strings_come_out_in_the_active_language() -> None:
    with translation.override("id"):
        assert translation.gettext("Sign in") == "Masuk"
        assert translation.gettext("Audit trail") == "Jejak audit"
        assert translation.gettext("Working calendar") == "Kalender kerja"
        assert (
            translation.ngettext("%(total)s Pemda", "%(total)s Pemda", 3) % {"total": 3}
            == "3 Pemda"
        )
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
        assert translation.gettext("Audit trail") == "Audit trail"


def test_model_labels_are_translated() -> None:
    from melayani.workcalendar.clock import DeadlineUnit

    with translation.override("id"):
        assert str(DeadlineUnit.WORKING_DAYS.label) == "hari kerja"
    with translation.override("en"):
        assert str(DeadlineUnit.WORKING_DAYS.label) == "working days"


# The test settings default to English (most tests assert on the source texts); every real
# environment defaults to Indonesian, as here.
@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="id")
def test_login_page_is_indonesian_by_default_and_english_when_chosen(client: Client) -> None:
    login = reverse("core:login")
    # An English-speaking browser still gets Indonesian: only the switcher changes the language.
    html = client.get(login, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id"' in html
    assert "Masuk" in html and "Kata sandi" in html
    assert "Sign in" not in html

    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302
    html = client.get(login).content.decode()
    assert '<html lang="en"' in html
    assert "Sign in" in html and "Password" in html

    client.post(reverse("set_language"), {"language": "id", "next": login})
    assert "Kata sandi" in client.get(login).content.decode()
