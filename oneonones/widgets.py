"""Form widgets with Django's output, written without a template per option.

Django renders a ``<select>`` through a template, which includes one template per
option and one more per option for its attributes: a hundred teams in the reports'
filter took longer to render than the rest of the filter form and its page's table.
``FlatSelect`` writes the same HTML in Python when the choices have no groups (and
leaves grouped choices to Django); ``tests/test_widgets.py`` compares the two.
"""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict) -> str:
    """As ``django/forms/widgets/attrs.html`` writes them: `` name="value"``, a bare
    `` name`` for True, nothing for False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, f"{value}")
        for name, value in attrs.items()
        if value is not False
    )


class FlatSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        parts = [
            format_html('<select name="{}"', widget["name"]),
            _attributes(widget["attrs"]),
            ">",
        ]
        for _, options, _ in widget["optgroups"]:
            parts += [
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    f"{option['value']}",
                    mark_safe(_attributes(option["attrs"])),  # noqa: S308 -- escaped above
                    option["label"],
                )
                for option in options
            ]
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 -- every value escaped by format_html
