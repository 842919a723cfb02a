import pytest

from xiaoan.families.demo import seed
from xiaoan.families.models import LetterState, Receipt, ReceiptState, ReceiptTally
from xiaoan.families.testing import make_pupil

pytestmark = pytest.mark.django_db
REASON = "test"


def test_it_publishes_a_drowning_letter_with_about_sixty_percent_confirmed(city, roster):
    for n in range(93):
        make_pupil(roster.class_a2, f"学生{n}", [(f"家长{n}", "")])
    letter = seed(scale="demo", seed=2026)
    assert letter.state == LetterState.PUBLISHED and "溺水" in letter.title
    receipts = Receipt.objects.system(REASON).filter(letter=letter)
    share = receipts.filter(state=ReceiptState.CONFIRMED).count() / receipts.count()
    assert 0.5 <= share <= 0.7
    tallied = sum(ReceiptTally.objects.system(REASON).filter(letter=letter).values_list("confirmed", flat=True))
    assert tallied == receipts.filter(state=ReceiptState.CONFIRMED).count()


def test_it_does_nothing_without_pupils(city):
    assert seed(scale="demo", seed=1) is None
