"""Migration operations that only PostgreSQL runs (SQLite, for development, has no
pg_trgm and needs none: its search matches substrings only)."""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_indexes(table: str, column: str) -> list[PostgreSQLOnly]:
    """GIN trigram indexes on `table.column` for the search: one for similarity
    (`%>`), one for Django's case-insensitive substring match (`UPPER(...) LIKE`)."""
    name = f"{table}_{column}"
    return [
        PostgreSQLOnly(
            f'CREATE INDEX IF NOT EXISTS "{name}_trgm" ON "{table}" '
            f'USING gin ("{column}" gin_trgm_ops)',
            f'DROP INDEX IF EXISTS "{name}_trgm"',
        ),
        PostgreSQLOnly(
            f'CREATE INDEX IF NOT EXISTS "{name}_upper_trgm" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
            f'DROP INDEX IF EXISTS "{name}_upper_trgm"',
        ),
    ]
