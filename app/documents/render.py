"""Jinja environment of the document templates, and the PDF made from the page.

PDF: WeasyPrint (maintained, pure HTML/CSS to PDF on pango, installs from PyPI) — the printed page and
the PDF are the same HTML, so a county's template changes both. Chinese text needs a CJK font the
machine has: Debian's ``fonts-noto-cjk`` (Noto Serif/Sans CJK SC; ``.ci/run`` installs it, README says
so); the stylesheet names it first and Source Han / WenQuanYi after it.

Every value passes ``finalize``: ``None`` and booleans print nothing, so no template shows a raw value;
dates and money go through the ``day`` and ``money`` filters.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

LANGUAGES = ("zh", "en")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


def _finalize(value):
    return "" if value is None or isinstance(value, bool) else value


def day(value, lang: str = "zh") -> str:
    """2026-11-20 → 2026年11月20日 / 20 November 2026; a datetime in China time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        from app.rules.inputs import CST

        value = value.astimezone(CST).date()
    if lang == "en":
        return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def money(value) -> str:
    """Yuan as an office writes them: whole amounts plain (680), others to the fen (712.50)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


@lru_cache(maxsize=64)
def environment(documents_dir: str, county: str) -> Environment:
    """Templates of ``county`` first, then the city's; ``city/<name>`` is always the city's own."""
    root = Path(documents_dir)
    city = FileSystemLoader(str(root))
    env = Environment(
        loader=ChoiceLoader([PrefixLoader({"city": city}), FileSystemLoader([str(root / county), str(root)])]),
        autoescape=select_autoescape(["html"]), finalize=_finalize, trim_blocks=True, lstrip_blocks=True,
        auto_reload=True)
    env.filters["money"] = money
    env.filters["day"] = day
    return env


def render_html(documents_dir, county: str, kind: str, lang: str, **context) -> str:
    lang = lang if lang in LANGUAGES else "zh"
    env = environment(str(documents_dir), county)
    return env.get_template(f"{kind}.{lang}.html").render(lang=lang, **context)


def render_pdf(html: str, documents_dir) -> bytes:
    from weasyprint import HTML  # imported on first use: it loads pango

    return HTML(string=html, base_url=str(documents_dir)).write_pdf()


def document_html(facts, rules, documents_dir, lang: str = "zh", nonce: str | None = None) -> str:
    """The page of a document from its facts (:class:`app.services.documents.Facts`), in ``lang``, laid
    out by the county's template (the city's where the county has none)."""
    county = rules.county(facts.county_code)
    category = county.category_map.get(facts.category) if county else None
    name = (category.name_en or category.name) if category and lang == "en" else (category.name if category else "")
    papers_en = tuple(category.documents_en) if category and lang == "en" else ()
    return render_html(documents_dir, facts.county_code, facts.kind, lang, f=facts, category_name=name,
                       papers_en=papers_en, nonce=nonce)
