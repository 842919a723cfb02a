from django.test import Client


def test_it_answers_200_when_the_database_and_the_queue_answer(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "queue": True}


def test_it_answers_503_when_the_task_queue_is_unreachable(db, monkeypatch):
    import django_q.brokers

    def broken_broker(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(django_q.brokers, "get_broker", broken_broker)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"] is False


def test_it_answers_503_when_the_database_is_unreachable(db):
    from unittest import mock

    from django.db.backends.utils import CursorWrapper

    with mock.patch.object(CursorWrapper, "execute", side_effect=OSError("database down")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] is False
