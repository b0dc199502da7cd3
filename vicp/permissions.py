"""Who may see what. Every view reaches objects only through these helpers.

Access has three sources:
- an `admin` sees every project;
- a project manager sees everything whose project they manage (access comes
  through the project, so there are no per-case rows for managers);
- anyone else sees exactly the objects a service granted them with guardian
  (a volunteer's active match, a social worker's own referrals...).

Model-level (global) permissions never widen access: `accept_global_perms` is
always False, so a stray "can view family" on a user cannot open every case.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from guardian.shortcuts import get_objects_for_user
from guardian.utils import get_user_obj_perms_model

from . import audit
from .models import Project, User

M = TypeVar("M", bound=Model)
ViewFunction = Callable[..., HttpResponse]


def _active(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return user is not None and user.is_authenticated and user.is_active


MANAGED_PROJECTS_READ = "_vicp_managed_project_ids"


def managed_project_ids(user: User) -> frozenset[int]:
    """The pks of the projects a project manager manages.

    Read once a request: a page restricts most of its queries to them, and a list of
    ids costs PostgreSQL far less planning than a join through the managers table in
    each query. Outside a request (tasks, commands, the shell) they are read at every
    call; `forget_managed_projects` drops them when a project's managers change.
    """
    request = audit.current_request.get()
    read: dict[int, frozenset[int]] | None = getattr(request, MANAGED_PROJECTS_READ, None)
    if read is not None and user.pk in read:
        return read[user.pk]
    ids = frozenset(user.managed_projects.values_list("pk", flat=True))
    if request is not None:
        setattr(request, MANAGED_PROJECTS_READ, {**(read or {}), user.pk: ids})
    return ids


def forget_managed_projects() -> None:
    """Read the managed projects again: a project's managers changed in this request."""
    request = audit.current_request.get()
    if request is not None and hasattr(request, MANAGED_PROJECTS_READ):
        delattr(request, MANAGED_PROJECTS_READ)


def projects_managed_by(user: User | AnonymousUser | None) -> QuerySet[Project]:
    """Projects whose whole caseload this user may see and change."""
    if not _active(user):
        return Project.objects.none()
    if user.is_admin:
        return Project.objects.all()
    if user.is_project_manager:
        return Project.objects.filter(pk__in=sorted(managed_project_ids(user)))
    return Project.objects.none()


def in_managed_projects(user: User | AnonymousUser | None, field: str = "project") -> Q:
    """A filter to the rows whose `field` (a path to a Project) is a project `user`
    manages: every row for an administrator (rows without a project too, where `field`
    may be empty), none for anyone else.

    The project ids are written into the query, which PostgreSQL plans far faster than
    the join through the managers table that `projects_managed_by` would add.
    """
    if not _active(user) or not (user.is_admin or user.is_project_manager):
        return Q(pk__in=[])
    if user.is_admin:
        return Q()
    return Q(**{f"{field}__in": sorted(managed_project_ids(user))})


def manages(user: User | AnonymousUser | None, project: Project) -> bool:
    """Whether `user` manages `project` (administrators manage every project)."""
    if not _active(user) or not (user.is_admin or user.is_project_manager):
        return False
    return user.is_admin or project.pk in managed_project_ids(user)


def granted(user: User, perm: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """Objects in `queryset` on which a service granted `user` the permission `perm`.

    ViCP grants to users only (no groups), each model's grants in its own table with a
    foreign key to the object: the query is one semi-join on that table. (Guardian's
    general `get_objects_for_user` also checks each grant's object against the whole
    model's table, which PostgreSQL spends more time planning than running.)
    """
    model = queryset.model
    # Guardian types it for an instance; it takes the model class as well.
    grants: Any = get_user_obj_perms_model(model)  # type: ignore[arg-type]
    app_label, _, codename = perm.rpartition(".")
    if grants.objects.is_generic() or app_label != model._meta.app_label:
        return get_objects_for_user(
            user, perm, queryset, use_groups=False, accept_global_perms=False, with_superuser=False
        )
    rows = grants.objects.filter(
        user=user,
        permission__content_type=ContentType.objects.get_for_model(model),
        permission__codename=codename,
    )
    return queryset.filter(pk__in=rows.values("content_object_id"))


def visible_to(
    user: User | AnonymousUser | None,
    queryset: QuerySet[M],
    perm: str,
    *,
    project_field: str | None = "project",
) -> QuerySet[M]:
    """Restrict `queryset` to the rows `user` may see.

    `perm` is the object permission granted to volunteers and social workers
    (for example "families.view_family"); `project_field` is the lookup from the
    model to its Project (None for models that have none).
    """
    if not _active(user):
        return queryset.none()
    if user.is_admin:
        return queryset
    # A project manager's access comes through their projects, never through grants, so
    # each role has a single condition (an OR of the two cost a full scan per list).
    if user.is_project_manager and project_field:
        return queryset.filter(in_managed_projects(user, project_field))
    return granted(user, perm, queryset)


def get_object_for_user(
    user: User | AnonymousUser | None,
    queryset: QuerySet[M],
    pk: int | str,
    perm: str,
    *,
    project_field: str | None = "project",
) -> M:
    """The object with this pk if `user` may see it; otherwise 404, never 403.

    A 404 does not confirm that a record about a child exists.
    """
    # At most one row: no ORDER BY (`first()` would add one) for the database to plan.
    found = visible_to(user, queryset, perm, project_field=project_field).filter(pk=pk).order_by()
    obj = next(iter(found[:1]), None)
    if obj is None:
        audit_refusal(user, queryset.model, pk, project_field)
        raise Http404("No such record.")
    return obj


def audit_refusal(
    user: User | AnonymousUser | None, model: type[Model], pk: int | str, project_field: str | None
) -> None:
    """Someone asked for a record that exists but is not theirs to see: keep a note."""

    existing = model._default_manager.filter(pk=pk)
    if not existing.exists():
        return
    project_id = existing.values_list(project_field, flat=True).first() if project_field else None
    audit.record_even_if_rolled_back(
        "access.refused",
        actor=user,
        object_type=model._meta.label_lower,
        object_id=str(pk),
        project=Project.objects.filter(pk=project_id).first() if project_id else None,
    )


def projects_visible_to(user: User | AnonymousUser | None) -> QuerySet[Project]:
    """Projects a user works in: managed ones, or ones a social worker refers to."""
    if not _active(user):
        return Project.objects.none()
    if user.is_admin or user.is_project_manager:
        return projects_managed_by(user)
    return granted(user, "vicp.refer_to_project", Project.objects.all())


def role_required(*roles: str) -> Callable[[ViewFunction], ViewFunction]:
    """Limit a view to these roles; anyone else gets the same 404 as a missing page."""

    def decorator(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _active(request.user) or request.user.role not in roles:
                raise Http404("No such page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
