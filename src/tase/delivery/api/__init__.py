"""API of implementation projects at /api/v1/delivery/: thin over the same services and
selectors as the pages. Customers see only their organization's projects and only
customer-visible tasks and published documents; other organizations' rows answer 404.

One module per use case; each adds its operations to the one ``router`` (imported here in the
order the operations are listed in the schema)."""

from . import (  # noqa: F401  (importing registers the operations)
    change_requests,
    contracts,
    environments,
    go_live,
    hours,
    key_persons,
    meetings,
    participation,
    projects,
    specs,
    status_reports,
    tasks,
    training,
)
from ._common import router

# The operation ids stay those of the single module this package replaced
# (tase_delivery_api_<function>), so clients generated from the schema keep working.
for _path in router.path_operations.values():
    for _operation in _path.operations:
        if not _operation.operation_id:
            _operation.operation_id = f"tase_delivery_api_{_operation.view_func.__name__}"

__all__ = ["router"]
