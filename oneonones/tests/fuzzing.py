"""What the fuzz test needs from a page: its forms and its links, read with the
standard library's HTML parser, and the hostile values it submits."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'
# Payloads that must never come back as markup: escaped, they read &lt;script&gt;.
UNESCAPED = (SCRIPT, "<img src=x onerror=alert(2)>")


def clock_change(zone: str, after: dt.date, *, forward: bool = True) -> dt.date:
    """The first day after ``after`` on which ``zone``'s clocks go forward (or back)."""
    tz = zoneinfo.ZoneInfo(zone)
    day = after + dt.timedelta(days=1)
    while True:
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=tz)
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        change = (noon.utcoffset() or dt.timedelta(0)) - (midnight.utcoffset() or dt.timedelta(0))
        if change and (change > dt.timedelta(0)) == forward:
            return day
        day += dt.timedelta(days=1)


def hostile_values(*, today: dt.date, zone: str = "Europe/London") -> dict[str, str]:
    """The values fields get, one at a time; the key names the case in failures."""
    gap = clock_change(zone, today)
    return {
        "empty": "",
        "10k characters": "x" * 10_000,
        "NUL byte": "a\x00b",
        "HTML/JS": ATTRIBUTE + SCRIPT,
        # Emoji (astral plane, joiners), right-to-left override and text, and SQL.
        "emoji, RTL, SQL": "🙂👩🏽‍💻 \u202eevil\u202c שלום 1' OR '1'='1'; DROP TABLE people_user; --",
        "huge number": "9" * 30,
        "int overflow": "2147483648",
        "negative": "-2147483649",
        "not a number": "NaN",
        "impossible date": "2027-02-30",
        "far future date": "9999-12-31",
        "far past date": "0001-01-01",
        "far future time": "9999-12-31T23:59",
        "impossible time": "25:61",
        "DST gap": f"{gap:%Y-%m-%d}T01:30",
        "unknown zone": "Mars/Olympus_Mons",
        "other site": "//evil.example/",
        "bare word": "meetings",
    }


# The values for each kind of input, one field at a time.
TEXT = ("empty", "NUL byte", "10k characters", "HTML/JS", "emoji, RTL, SQL")
CHOICE = ("NUL byte", "huge number", "HTML/JS")
BY_KIND = {
    "text": TEXT,
    "textarea": TEXT,
    "email": TEXT,
    "search": TEXT,
    "password": ("empty", "NUL byte", "10k characters"),
    # Hidden fields carry ids, versions and where to go next.
    "hidden": ("empty", "NUL byte", "bare word", "other site", "huge number", "negative"),
    "select": CHOICE,
    "radio": CHOICE,
    "checkbox": ("NUL byte", "bare word"),
    "date": ("empty", "NUL byte", "impossible date", "far future date", "far past date"),
    "datetime-local": ("empty", "impossible date", "far future time", "far past date", "DST gap"),
    "time": ("empty", "NUL byte", "impossible time"),
    "number": ("empty", "huge number", "int overflow", "negative", "not a number"),
}
# Query strings, and the quick pass over forms another role fuzzes field by field:
# each value in every parameter (or field) at once.
QUICK = ("NUL byte", "HTML/JS", "huge number", "far future date", "bare word")
QUICK_FORM = ("NUL byte", "HTML/JS")


def values_for(name: str, kind: str) -> tuple[str, ...]:
    values = BY_KIND.get(kind, TEXT)
    return (*values, "unknown zone") if "zone" in name else values


@dataclass
class FormField:
    name: str
    kind: str  # text, hidden, checkbox, radio, select, textarea, date, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    page: str
    action: str
    method: str
    htmx: bool
    fields: list[FormField] = field(default_factory=list)

    def names(self) -> tuple[str, ...]:
        return tuple(sorted({f.name for f in self.fields if f.name != "csrfmiddlewaretoken"}))

    def baseline(self, *, today: dt.date) -> dict[str, list[str]]:
        """A plausible, mostly valid submission: what the page filled in, and a value
        of the right shape in each empty field, so one hostile field reaches the code
        past form validation."""
        data: dict[str, list[str]] = {}
        later = today + dt.timedelta(days=9)
        for f in self.fields:
            if f.name == "csrfmiddlewaretoken":
                continue
            if f.kind in ("checkbox",):
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
                continue
            if f.kind == "radio":
                if f.checked or f.name not in data:
                    data[f.name] = [f.value]
                continue
            if f.kind == "select":
                data[f.name] = [f.value if f.value else next((o for o in f.options if o), "")]
                continue
            value = f.value
            if not value:
                value = {
                    "date": f"{later:%Y-%m-%d}",
                    "datetime-local": f"{later:%Y-%m-%d}T10:00",
                    "time": "10:00",
                    "number": "1",
                    "email": "someone@example.org",
                    "password": "not-the-password",
                    "hidden": "",
                }.get(f.kind, "Fuzz text")
            data[f.name] = [value]
        return data


class PageParser(HTMLParser):
    """Collects the forms and the same-site links of one page."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None
        self._option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        if tag == "form":
            hx = a.get("hx-post") or a.get("hx-get")
            action = a.get("action") or hx or self.url
            method = (a.get("method") or ("post" if a.get("hx-post") else "get")).lower()
            self._form = Form(
                page=self.url,
                action=urljoin(self.url, action),
                method=method,
                htmx=any(name.startswith("hx-") for name in a),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit":
                    self._add(FormField(name, "submit", a.get("value") or ""))
                return
            self._add(FormField(name, kind, a.get("value") or "", checked="checked" in a))
        elif tag == "button" and name:
            self._add(FormField(name, "submit", a.get("value") or ""))
        elif tag == "select" and name:
            self._select = FormField(name, "select")
            self._add(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option_value = value
            if value is not None:
                self._select.options.append(value)
                if "selected" in a:
                    self._select.value = value
        elif tag == "textarea" and name:
            self._textarea = FormField(name, "textarea")
            self._add(self._textarea)

    def _add(self, f: FormField):
        if self._form is None:
            return
        if f.kind == "submit":
            # Several named buttons are several choices of one field; the first is the baseline.
            for existing in self._form.fields:
                if existing.name == f.name and existing.kind == "submit":
                    existing.options.append(f.value)
                    return
            f.options.append(f.value)
            f.kind = "select"
        self._form.fields.append(f)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        elif self._select is not None and self._option_value is None and data.strip():
            # <option>text</option> without a value submits its text.
            self._select.options.append(data.strip())
            self._option_value = data.strip()

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option":
            self._option_value = None


def parse_page(url: str, html: str) -> PageParser:
    parser = PageParser(url)
    parser.feed(html)
    parser.close()
    return parser


def local_path(url: str) -> str | None:
    """The path and query of a link on this site, or None for elsewhere."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query_names(url: str) -> set[str]:
    return {name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
