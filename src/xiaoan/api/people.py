"""People with a post in the caller's scope (read-only here: accounts are managed on the pages)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from xiaoan.api.pagination import PageNumberPagination
from xiaoan.core.scoping import ensure_allowed, get_for_user
from xiaoan.orgs import selectors
from xiaoan.orgs.models import Unit, User

from .auth import actor
from .schemas import Message, PersonFilters, PersonOut

router = Router()


@router.get("", response=list[PersonOut], summary="人员列表")
@paginate(PageNumberPagination, page_size=50)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> Any:
    ensure_allowed(actor(request), "orgs.user.view")
    wanted = filters.dict(exclude_none=True)
    if "unit" in wanted:
        wanted["unit"] = get_for_user(Unit, actor(request), wanted["unit"])
    return selectors.people_list(actor(request), wanted)


@router.get("/{int:person_id}", response={200: PersonOut, 403: Message, 404: Message}, summary="人员详情")
def get_person(request: HttpRequest, person_id: int) -> Any:
    person = get_for_user(User, actor(request), person_id)
    person.posts = list(selectors.person_posts(actor(request), person))
    return person
