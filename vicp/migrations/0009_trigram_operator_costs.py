from django.db import migrations

from vicp.migration_operations import PostgreSQLOnly

# pg_trgm declares its similarity operators as cheap as comparing two integers, so on a
# table of a few thousand rows (the volunteers) the planner computes every row's
# trigrams rather than read the trigram index. Each computation costs about a hundred
# plain comparisons. Only the functions' owner may change this: a database user that
# does not own them (a managed database, say) keeps pg_trgm's cost, and searches still
# work, more slowly on small tables.
#
# Sets the cost of each operator's function to NEW_COST, where this user owns it.
SET_COST = """
DO $$
DECLARE
  function regprocedure;
BEGIN
  FOREACH function IN ARRAY ARRAY[
    'similarity_op(text,text)',
    'word_similarity_op(text,text)',
    'word_similarity_commutator_op(text,text)'
  ]::regprocedure[] LOOP
    IF pg_has_role((SELECT proowner FROM pg_proc WHERE oid = function), 'USAGE') THEN
      EXECUTE format('ALTER FUNCTION %s COST NEW_COST', function);
    ELSE
      RAISE NOTICE 'The planner cost of % is left as it is: this user does not own it', function;
    END IF;
  END LOOP;
END
$$;
"""


class Migration(migrations.Migration):
    """The planner's cost of pg_trgm's similarity operators (PostgreSQL only)."""

    dependencies = [("vicp", "0008_documents")]

    operations = [
        PostgreSQLOnly(SET_COST.replace("NEW_COST", "100"), SET_COST.replace("NEW_COST", "1"))
    ]
