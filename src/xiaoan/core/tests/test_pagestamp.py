"""PageStamp: the page a template would give, rendered once per shape and language, values escaped."""

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.test.signals import template_rendered
from django.utils import translation

from xiaoan.core.pagestamp import PageStamp, slot

TEMPLATE = (
    "{% load i18n %}<p>{% translate '家长回执' %}: {{ title }}</p><input value=\"{{ token }}\"><b>{{ pupil }}</b>"
)
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"stamp.html": TEMPLATE})]},
    }
]


@pytest.fixture
def renders():
    seen = []

    def count(sender, template, context, **kwargs):
        seen.append(template.name)

    template_rendered.connect(count)
    yield seen
    template_rendered.disconnect(count)


def context(title):
    return lambda: {"title": title, "token": slot("token"), "pupil": slot("pupil")}


@override_settings(TEMPLATES=TEMPLATES)
def test_it_gives_what_the_template_gives_with_the_values_escaped_like_autoescape():
    stamp = PageStamp("stamp.html")
    for token, pupil in (("abc", "张*明"), ('"><script>', "<b>&")):
        expected = render_to_string("stamp.html", {"title": "防溺水", "token": token, "pupil": pupil})
        assert stamp.render(("letter", "防溺水"), context("防溺水"), {"token": token, "pupil": pupil}) == expected
    assert "&lt;script&gt;" in expected and "&lt;b&gt;&amp;" in expected


@override_settings(TEMPLATES=TEMPLATES)
def test_it_renders_each_shape_once_per_language(renders):
    stamp = PageStamp("stamp.html")
    values = {"token": "t", "pupil": "p"}
    for _ in range(3):
        stamp.render("a", context("甲"), values)
    assert renders == ["stamp.html"]
    stamp.render("b", context("乙"), values)
    with translation.override("en"):
        english = stamp.render("a", context("甲"), values)
    assert len(renders) == 3
    assert "Parent receipt" in english or "家长回执" not in english


@override_settings(TEMPLATES=TEMPLATES)
def test_it_forgets_the_oldest_shapes_beyond_its_size(renders):
    stamp = PageStamp("stamp.html", maxsize=2)
    values = {"token": "t", "pupil": "p"}
    for shape in ("a", "b", "c", "a"):
        stamp.render(shape, context(shape), values)
    assert len(renders) == 4  # "a" was dropped when "c" came, so it is rendered again
