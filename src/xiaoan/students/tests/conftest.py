import pytest

from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import make_person
from xiaoan.students.testing import make_class


@pytest.fixture
def roster(city):
    """School A1 with a class led by the ``teacher`` persona, a second class, and a safety officer."""
    city.people["school_officer"] = make_person("school_officer", city.school_a1, Role.SAFETY_OFFICER)
    city.people["other_teacher"] = make_person("other_teacher", city.school_a1, Role.STAFF)
    city.people["b1_admin"] = make_person("b1_admin", city.school_b1, Role.UNIT_ADMIN)
    own = make_class(city.school_a1, grade=3, number=1, teacher=city.teacher)
    other = make_class(city.school_a1, grade=3, number=2, teacher=city.other_teacher)
    return own, other
