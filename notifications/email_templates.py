"""The email templates as the sweep renders them: each one flattened into a single
template, once per sweep.

An email's template extends ``base.txt``/``base.html`` (greeting and footer) and some
include ``_agenda``. Django resolves that inheritance on every render (the parent's
blocks gathered, the child's put in, the included template pushed on the context):
for these short emails that is more than half of the rendering, about 0.15 ms of
each of the two templates of every email. ``EmailTemplates`` writes each template
once as the one template it amounts to (the child's blocks in the parent's places,
each include's text where it stands) and compiles that, so the templates stay
the one source of the emails' text. What it cannot flatten for certain (a block
inside a block, ``block.super``, an include with ``with`` or ``only``, a parent that
extends again) is rendered as Django does. ``tests/test_email_templates.py`` renders
every email template both ways.
"""

import re
from typing import Any

from django.template import TemplateSyntaxError, engines
from django.template.loader import get_template

_EXTENDS = re.compile(r'\A\{%\s*extends\s+"(?P<name>[^"]+)"\s*%\}')
_BLOCK = re.compile(
    r"\{%\s*block\s+(?P<name>\w+)\s*%\}(?P<body>.*?)\{%\s*endblock(?:\s+(?P=name))?\s*%\}",
    re.DOTALL,
)
_INCLUDE = re.compile(r'\{%\s*include\s+"(?P<name>[^"]+)"\s*%\}')
# What would make the flat template render differently, once the plain includes are
# written out: another level of inheritance or inclusion, a block inside a block.
_UNSURE = re.compile(r"\{%\s*(?:extends|block|endblock|include|load)\b|block\.super")


def _source(name: str) -> str:
    source: str = get_template(name).template.source  # type: ignore[attr-defined]
    return source


def flatten(name: str) -> str | None:
    """The source of template ``name`` with its parent's text around its blocks and its
    plain includes written out, or None when that cannot be done for certain."""
    child = _source(name)
    extends = _EXTENDS.match(child)
    if extends is None:
        return None
    rest = child[extends.end() :]
    blocks = {block["name"]: block["body"] for block in _BLOCK.finditer(rest)}
    if _BLOCK.sub("", rest).strip():  # text outside the blocks, or a block left open
        return None
    parent = _source(extends["name"])
    flat = _BLOCK.sub(lambda block: blocks.get(block["name"], block["body"]), parent)
    flat = _INCLUDE.sub(lambda include: _source(include["name"]), flat)
    if _UNSURE.search(flat):
        return None
    return flat


class EmailTemplates:
    """The email templates one sweep renders, each flattened and compiled the first time
    it is asked for (or Django's own, when it cannot be flattened)."""

    def __init__(self) -> None:
        self._compiled: dict[str, Any] = {}

    def render(self, name: str, context: dict[str, Any]) -> str:
        template = self._compiled.get(name)
        if template is None:
            template = self._compiled[name] = self._compile(name)
        rendered: str = template.render(context)
        return rendered

    @staticmethod
    def _compile(name: str) -> Any:
        flat = flatten(name)
        if flat is not None:
            try:
                return engines["django"].from_string(flat)
            except TemplateSyntaxError:  # a tag the child had loaded, say
                pass
        return get_template(name)
