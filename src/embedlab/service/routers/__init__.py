"""One router per served kind: ``encoder`` (every server), ``words``, ``collection``, and ``explorer`` (the map).

Each module has ``router(served, limits) -> APIRouter``. A route of a kind the server does not
serve answers 400 with what it needs (:mod:`~embedlab.service.routers.unavailable`).
"""
