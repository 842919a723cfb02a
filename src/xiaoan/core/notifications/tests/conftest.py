import pytest

from xiaoan.core.notifications.registry import register_event
from xiaoan.core.notifications.sms import MemorySmsBackend


@pytest.fixture(autouse=True)
def sms_outbox():
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def hazard_event():
    return register_event(
        "tests.hazard_assigned",
        "隐患整改任务：{{ hazard }}",
        "{{ school }}发现隐患“{{ hazard }}”，请于{{ deadline }}前完成整改。",
        ("inbox", "email"),
        sms="【整改】{{ hazard }}，期限{{ deadline }}",
    )


@pytest.fixture
def context():
    return {"hazard": "消防通道堵塞 & 灭火器过期", "school": "宛城区第一小学", "deadline": "3月5日", "url": "/inbox/"}
