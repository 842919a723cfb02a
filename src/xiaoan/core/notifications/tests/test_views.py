from django.test import Client
from django.urls import reverse

from xiaoan.core.notifications.models import Notification
from xiaoan.core.notifications.services import notify


def test_it_lists_the_users_messages_newest_first_with_unread_ones_highlighted(city, hazard_event, context):
    notify([city.guard], hazard_event.key, {**context, "hazard": "旧隐患"})
    notify([city.guard], hazard_event.key, {**context, "hazard": "新隐患"})
    notify([city.teacher], hazard_event.key, {**context, "hazard": "别人的隐患"})
    Notification.objects.filter(title__endswith="旧隐患").update(read_at="2026-01-01T00:00:00+08:00")

    body = city.client_for("guard").get(reverse("notifications:inbox")).content.decode()

    assert body.index("新隐患") < body.index("旧隐患")
    assert "别人的隐患" not in body
    assert body.count('data-unread="1"') == 1


def test_it_shows_the_unread_count_in_the_header_badge(city, hazard_event, context):
    notify([city.guard], hazard_event.key, context)
    notify([city.guard], hazard_event.key, context)

    body = city.client_for("guard").get(reverse("notifications:inbox")).content.decode()

    assert 'data-testid="unread-count">2<' in body


def test_it_shows_no_badge_without_unread_messages(city):
    body = city.client_for("guard").get(reverse("notifications:inbox")).content.decode()

    assert 'data-testid="unread-count"' not in body
    assert 'data-testid="inbox-empty"' in body


def test_it_paginates_the_inbox_in_a_bounded_number_of_queries(
    city, hazard_event, context, django_assert_max_num_queries
):
    for _ in range(25):
        notify([city.guard], hazard_event.key, context, channels=("inbox",))
    client = city.client_for("guard")
    client.get(reverse("notifications:inbox"))  # warm the session and membership caches

    with django_assert_max_num_queries(12):
        first = client.get(reverse("notifications:inbox"))
    second = client.get(reverse("notifications:inbox") + "?page=2")

    assert first.content.decode().count('data-testid="notification"') == 20
    assert second.content.decode().count('data-testid="notification"') == 5


def test_opening_a_message_marks_it_read_and_follows_its_link(city, hazard_event, context):
    [row] = notify([city.guard], hazard_event.key, {**context, "url": "/files/"})

    response = city.client_for("guard").get(reverse("notifications:open", args=[row.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/files/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_opening_a_message_never_leaves_the_site(city, hazard_event, context):
    [row] = notify([city.guard], hazard_event.key, {**context, "url": "https://evil.example/"})

    response = city.client_for("guard").get(reverse("notifications:open", args=[row.pk]))

    assert response["Location"] == reverse("notifications:inbox")


def test_another_users_message_is_404_and_stays_unread(city, hazard_event, context):
    [row] = notify([city.guard], hazard_event.key, context)

    response = city.client_for("teacher").get(reverse("notifications:open", args=[row.pk]))

    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read_is_a_post_that_clears_the_count(city, hazard_event, context):
    notify([city.guard, city.teacher], hazard_event.key, context)
    client = city.client_for("guard")

    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"))

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=city.guard, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=city.teacher, read_at__isnull=True).exists()


def test_the_inbox_asks_anonymous_visitors_to_sign_in(db):
    response = Client().get(reverse("notifications:inbox"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_shell_counts_unread_messages_lazily_with_one_query(city, hazard_event, context, rf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoan.core.context_processors import shell

    notify([city.guard], hazard_event.key, context)
    request = rf.get("/")
    request.user = city.guard

    with CaptureQueriesContext(connection) as before:
        data = shell(request)
    with CaptureQueriesContext(connection) as counting:
        assert str(data["xa_unread"]) == "1"
        assert data["xa_unread"]

    assert not any("notifications_notification" in q["sql"] for q in before.captured_queries)
    assert len(counting.captured_queries) == 1
    assert "COUNT" in counting.captured_queries[0]["sql"].upper()
