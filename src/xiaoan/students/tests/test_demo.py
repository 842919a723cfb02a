from xiaoan.students.demo import seed_demo
from xiaoan.students.identity import normalise_id_number, normalise_mobile
from xiaoan.students.models import Guardian, Pupil, SchoolClass


def test_the_demo_roster_is_well_formed_and_written_once(city):
    written = seed_demo(scale="demo", seed=2026)
    assert written == Pupil.objects.system("test").count() > 300
    pupil = Pupil.objects.system("test").exclude(id_number="").first()
    assert normalise_id_number(pupil.id_number) == pupil.id_number
    guardian = Guardian.objects.system("test").exclude(mobile="").first()
    assert normalise_mobile(guardian.mobile).startswith("170")
    assert SchoolClass.objects.system("test").filter(class_teacher=city.teacher).count() == 1
    assert seed_demo(scale="demo", seed=2026) == 0
    assert seed_demo(scale="city", seed=2026) == 0
