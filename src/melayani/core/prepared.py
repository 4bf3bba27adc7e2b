"""Statements compiled once per process and then only executed (the busiest one-row paths).

Django compiles a queryset to SQL on every evaluation, and an INSERT on every save; for a
one-row public look-up or a submission's few inserts that costs several times what the database
itself does. :class:`PreparedValuesQuery` builds a read once with marker parameters and afterwards
runs it with new values, converting results as Django would. It refuses any lookup that rewrites
its value (``iexact`` on SQLite escapes it for ``LIKE``), so no value ever skips its escaping.
:func:`insert_row` saves a new instance with an INSERT compiled once per model. On PostgreSQL
both run as server-side prepared statements (planned once per connection). Django has no public
API for this; keep its use to the few measured hot paths (public tracking, submissions, the
audit trail's inserts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Model, QuerySet, signals
from django.db.models.sql import InsertQuery


class PreparedValuesQuery:
    """A ``values_list`` query compiled to SQL once per database, then run with new values.

    Django compiles a queryset on every evaluation, and for a one-row look-up that costs several
    times what the database does; public tracking is the busiest read, so its queries are built
    once with marker parameters and afterwards only executed. ``build(**markers)`` returns the
    queryset; every string parameter of the compiled SQL must be one of the markers, unchanged
    (a lookup that rewrites its value — ``iexact`` on SQLite escapes it for ``LIKE`` — is refused
    here, so that no value ever skips its escaping). Values are converted as Django would.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: type[str] | type[int]) -> None:
        self._build = build
        self._kinds = kinds  # parameter name → str or int
        self._compiled: dict[tuple[str, str], tuple[str, list[tuple[str | None, Any]], Any]] = {}

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        conn = connections[DEFAULT_DB_ALIAS]
        key = (conn.alias, conn.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(conn)
        sql, params, columns = compiled
        arguments = [self._kinds[n](values[n]) if n is not None else p for n, p in params]
        with _cursor(conn) as cursor:
            cursor.execute(sql, arguments)
            rows = cursor.fetchall()
        converters = [(i, f) for i, col in enumerate(columns) for f in _converters(conn, col)]
        if not converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            items = list(row)
            for i, function in converters:
                items[i] = function(items[i], columns[i], conn)
            converted.append(tuple(items))
        return converted

    def _compile(self, conn: Any) -> tuple[str, list[tuple[str | None, Any]], Any]:
        markers: dict[Any, str] = {}
        for number, (name, kind) in enumerate(self._kinds.items()):
            markers[f"\x1emelayani-{name}\x1e" if kind is str else -(2**52) - number] = name
        queryset = self._build(**{name: marker for marker, name in markers.items()})
        compiler = queryset.query.get_compiler(connection=conn)
        sql, raw_params = compiler.as_sql()
        params: list[tuple[str | None, Any]] = []
        for param in raw_params:
            found = markers.get(param) if type(param) in (str, int) else None
            if found is None and isinstance(param, str):
                raise ImproperlyConfigured(f"a prepared query changed a parameter: {param!r}")
            params.append((found, param))
        if {n for n, _p in params if n} != set(self._kinds):
            raise ImproperlyConfigured("a prepared query lost one of its parameters")
        return sql, params, [column for column, _sql, _alias in compiler.select]


M = TypeVar("M", bound=Model)

_INSERTS: dict[tuple[type[Model], str, str], tuple[str, list[Any], list[Any], bool]] = {}


def insert_row(instance: M) -> M:
    """Save a new ``instance`` (``instance.save()`` for an INSERT) with SQL compiled once per model.

    Does what ``Model.save`` does for a new row of a model without parents: related objects
    checked, each field's ``pre_save`` (``auto_now``…) and ``get_db_prep_save``, ``pre_save`` and
    ``post_save`` signals, the returned primary key set, ``_state`` updated. A model's own
    ``save()`` is not called: use it only for models whose ``save`` adds nothing to an insert.
    An instance with a chosen key, or holding an expression (``Now()``, a database default), is
    saved the ordinary way.
    """
    model = type(instance)
    meta = model._meta
    if meta.parents or not instance._state.adding:
        raise ValueError("insert_row saves new rows of models without parents")
    conn = connections[DEFAULT_DB_ALIAS]
    key = (model, conn.alias, conn.vendor)
    compiled = _INSERTS.get(key)
    if compiled is None:
        compiled = _INSERTS[key] = _compile_insert(model, conn)
    sql, fields, returning, returns_rows = compiled
    if instance.pk is not None or any(
        hasattr(getattr(instance, f.attname), "resolve_expression") for f in fields
    ):
        instance.save(force_insert=True)  # a chosen key, or an expression (``Now()``…)
        return instance
    instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    signals.pre_save.send(sender=model, instance=instance, raw=False, using=conn.alias)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection=conn) for f in fields]
    with _cursor(conn) as cursor:
        cursor.execute(sql, params)
        if returns_rows:
            values = cursor.fetchone()
        else:
            column = returning[0].column
            values = (conn.ops.last_insert_id(cursor, meta.db_table, column),)
    for value, f in zip(values, returning, strict=True):
        setattr(instance, f.attname, value)
    instance._state.adding = False
    instance._state.db = conn.alias
    signals.post_save.send(
        sender=model,
        instance=instance,
        created=True,
        update_fields=None,
        raw=False,
        using=conn.alias,
    )
    return instance


def _compile_insert(model: type[Model], conn: Any) -> tuple[str, list[Any], list[Any], bool]:
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    returning = list(meta.db_returning_fields)
    if any(_converters(conn, f.get_col(meta.db_table)) for f in returning):
        raise ImproperlyConfigured(f"{meta.label} returns values that need converting")
    query = InsertQuery(model)
    query.insert_values(fields, [model()])
    compiler = query.get_compiler(connection=conn)
    compiler.returning_fields = returning
    [(sql, _params)] = compiler.as_sql()
    expected = f"({', '.join(['%s'] * len(fields))})"
    if expected not in sql or compiler.returning_params:
        raise ImproperlyConfigured(f"an insert of {meta.label} needs per-value SQL")
    return sql, fields, returning, bool(conn.features.can_return_columns_from_insert)


def _converters(conn: Any, expression: Any) -> list[Any]:
    return [*conn.ops.get_db_converters(expression), *expression.get_db_converters(conn)]


def _cursor(conn: Any) -> Any:
    """A cursor whose statements PostgreSQL keeps prepared (planned once per connection).

    Django's PostgreSQL cursors bind parameters on the client, so every query is parsed and
    planned again; for a join read a thousand times a second planning costs more than running
    it. A psycopg ``Cursor`` binds on the server, and psycopg prepares a statement it has run
    ``prepare_threshold`` times (5) on that connection. Only these few fixed queries use it,
    wrapped like any Django cursor (query logging, error wrapping). Set
    ``DATABASE_PREPARED_STATEMENTS=false`` behind a pooler that cannot keep prepared statements
    (PgBouncer in transaction mode before 1.21).
    """
    if conn.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return conn.cursor()
    import psycopg
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    conn.close_if_health_check_failed()
    conn.ensure_connection()
    with conn.wrap_database_errors:
        raw = psycopg.Cursor(conn.connection)
        tzloader = conn.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if conn.timezone != tzloader.timezone:  # as Django's own cursors do
            register_tzloader(conn.timezone, raw)
        if conn.queries_logged:
            return _LoggedCursor(raw, conn)
        return conn.make_cursor(raw)


class _LoggedCursor(CursorDebugWrapper):
    """Logs a prepared statement as its SQL with placeholders (the values are bound on the
    server, so Django's log would show nothing; leaving them out also keeps personal data out)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params, use_last_executed_query=False):
            return super(CursorDebugWrapper, self).execute(sql, params)
