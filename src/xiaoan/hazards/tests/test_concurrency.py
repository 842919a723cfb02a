import threading

import pytest
from django.db import connection

from xiaoan.core.errors import Conflict
from xiaoan.hazards import services
from xiaoan.hazards.models import Hazard, State
from xiaoan.hazards.testing import hazard_in_state
from xiaoan.orgs.models import User


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_give_one_success_and_one_conflict(city):
    hazard = hazard_in_state(city, State.ACCEPTANCE_REQUESTED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(name: str) -> None:
        principal = User.objects.get(pk=city.principal.pk)
        copy = Hazard.objects.get(pk=hazard.pk)
        barrier.wait()
        try:
            services.hazard_transition(actor=principal, hazard=copy, name=name, comment="并发")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(name,)) for name in ("accept", "return")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    final = Hazard.objects.get(pk=hazard.pk).state
    assert final in (State.ACCEPTED, State.RECTIFYING)
