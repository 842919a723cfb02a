"""Reads: the files of one record, and one file looked up through its owner's scope."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404

from xiaoan.core.scoping import get_for_user

from .models import Attachment
from .registry import owner_spec, owner_spec_for


def attachments_of(owner: models.Model) -> models.QuerySet[Attachment]:
    """The files of a record the caller has already looked up in scope."""
    content_type = ContentType.objects.get_for_model(owner, for_concrete_model=True)
    return Attachment.objects.filter(content_type=content_type, object_id=owner.pk).select_related("uploaded_by")


def attachment_for_user(user: Any, pk: Any, *, owner_action: str = "view") -> Attachment:
    """One file, if the user may ``owner_action`` its owner: 404 whether it is missing or not theirs.

    The attachment row is read without scope (it has none); its owner is then looked up in the user's
    scope, which raises 404 outside it and ``PermissionDenied`` when the role may not act.
    """
    try:
        attachment = Attachment.objects.select_related("content_type").get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    spec = owner_spec(f"{attachment.content_type.app_label}.{attachment.content_type.model}")
    if spec is None:
        raise Http404
    action = spec.action if owner_action == "change" else owner_action
    attachment.owner = get_for_user(spec.model, user, attachment.object_id, action)
    return attachment


def owner_for_user(user: Any, owner_type: str, owner_id: Any) -> models.Model:
    """A record that may carry files, looked up with its write action (404 for unknown types and ids)."""
    spec = owner_spec(owner_type or "")
    if spec is None:
        raise Http404
    return get_for_user(spec.model, user, owner_id, spec.action)


def owner_label(owner: models.Model) -> str:
    spec = owner_spec_for(type(owner))
    return spec.model._meta.label_lower if spec else ""
