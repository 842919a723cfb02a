import pytest
from django.db import connection

from xiaoan.families import tokens
from xiaoan.families.markup import plain_blocks, render_body


def test_it_renders_paragraphs_bold_and_lists():
    html = render_body("第一段\n第二行\n\n**重要**提示\n- 甲\n- 乙\n1. 一\n2. 二")
    assert html == (
        "<p>第一段<br>第二行</p>\n<p><strong>重要</strong>提示</p>\n<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>\n"
        "<ol>\n<li>一</li>\n<li>二</li>\n</ol>"
    )


def test_it_never_lets_html_through():
    html = render_body('<script>alert(1)</script> **<img src=x onerror="a()">**')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_it_gives_the_pdf_numbered_items_and_bold():
    assert plain_blocks("**注意**\n1. 一\n2. 二") == [("p", "<b>注意</b>"), ("li", "1. 一"), ("li", "2. 二")]


def test_it_derives_a_128_bit_token_whose_hash_is_stored():
    token = tokens.make_token(12, 34)
    assert len(token) == tokens.TOKEN_LENGTH
    assert tokens.hash_token(token) == tokens.link_hash(12, 34)
    assert tokens.make_token(12, 35) != token and tokens.make_token(13, 34) != token


@pytest.mark.parametrize("bad", ["", "short", "x" * 22 + "y", "!" * 22, "A" * 23])
def test_it_refuses_strings_that_cannot_be_tokens(bad):
    assert tokens.hash_token(bad) is None


def test_it_accepts_only_its_own_spelling_of_a_token():
    """22 base64 characters hold 132 bits for 128: the last one's low 4 bits are ignored by the decoder, so 15
    other last characters decode to the same token. They are refused, not treated as the guardian's link."""
    token = tokens.make_token(12, 34)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    aliases = [token[:-1] + char for char in alphabet if char != token[-1]]
    same_bytes = [alias for alias in aliases if alias.encode() != token.encode() and _decodes_alike(alias, token)]
    assert len(same_bytes) == 15
    assert all(tokens.hash_token(alias) is None for alias in same_bytes)


def _decodes_alike(one: str, other: str) -> bool:
    import base64

    return base64.urlsafe_b64decode(one + "==") == base64.urlsafe_b64decode(other + "==")


@pytest.mark.django_db
def test_it_computes_the_same_hash_in_postgresql_as_in_python():
    if connection.vendor != "postgresql":
        pytest.skip("the SQL derivation runs on PostgreSQL only")
    ipad, opad = tokens.pads()
    sql = "SELECT " + tokens.SQL_LINK_HASH.format(receipt="%(r)s", guardian="%(g)s")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ipad": ipad, "opad": opad, "r": 987654, "g": 321})
        assert cursor.fetchone()[0] == tokens.link_hash(987654, 321)
