-- checklist's store in PostgreSQL, version 2: each unit's summary for `status --all --json`
-- (core/pgsummaries.py), what the roll-up cache file (cache/rollup.bin) is for a folder store.
--
-- Derived data, not a record: a summary is what a fold of the unit's log made at a moment,
-- kept for the head of the log it was made from (its number of lines, size and last hash)
-- and for the stretch of time it holds (`since` up to `holds_until`), under the key of the
-- program that made it. One row per unit, replaced when the unit is folded again (an UPDATE
-- is fine here: nothing is signed or chained in it). `checklist verify` never reads it.
--
-- Trust: a role that may read a unit may write its summary (the fold that makes it needs only
-- to read), so a summary is worth what the roles that read the unit are; `written_by` says who
-- wrote each. It can only make `status --all --json` answer otherwise until the unit's next
-- record or the end of its stretch; it changes no log, no `verify`, no `status --unit`, no report.

CREATE TABLE checklist.summaries (
    unit text PRIMARY KEY REFERENCES checklist.units (unit),
    n bigint NOT NULL,  -- the head of the log it was made from: lines,
    size bigint NOT NULL,  -- bytes as a file would hold them,
    hash text,  -- and the SHA-256 of the last line (none: an empty log)
    key text NOT NULL CHECK (length(key) <= 10000),  -- the program, store and settings it was made under (JSON)
    catalog text NOT NULL CHECK (length(catalog) <= 200),  -- the digest of the catalog the unit runs
    path text NOT NULL CHECK (length(path) <= 10000),  -- where the unit's catalog came from ('': the bundled one)
    source text CHECK (length(source) <= 200),  -- the digest of that source catalog when it was made (none: unreadable)
    since timestamptz NOT NULL,  -- the moment it was made for
    holds_until timestamptz NOT NULL CHECK (holds_until > since),  -- the first moment it may read otherwise
    facts json NOT NULL CHECK (length(facts::text) <= 1048576),  -- what the roll-up counts, sorts and filters by
    text bytea NOT NULL CHECK (length(text) <= 16777216),  -- the unit's document as printed, its moment left out
    written_at timestamptz NOT NULL DEFAULT now(),
    written_by name NOT NULL DEFAULT current_user
);

ALTER TABLE checklist.summaries ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_summaries ON checklist.summaries FOR SELECT USING (unit IN (SELECT checklist.readable_units()));
CREATE POLICY add_summaries ON checklist.summaries FOR INSERT
    WITH CHECK (unit IN (SELECT checklist.readable_units()) AND written_by = current_user);
CREATE POLICY renew_summaries ON checklist.summaries FOR UPDATE
    USING (unit IN (SELECT checklist.readable_units()))
    WITH CHECK (unit IN (SELECT checklist.readable_units()) AND written_by = current_user);

GRANT SELECT, INSERT, UPDATE ON checklist.summaries TO checklist_writer, checklist_supervisor, checklist_admin;
