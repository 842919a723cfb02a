from django.test import Client


def test_the_interface_is_chinese_even_when_the_browser_asks_for_english(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/")
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_the_language_switch_turns_the_interface_english_and_back(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    english = client.get("/accounts/login/")
    assert english["Content-Language"] == "en"
    assert "Sign in" in english.content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert client.get("/accounts/login/")["Content-Language"] == "zh-hans"
