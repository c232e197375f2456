-- checklist's store in PostgreSQL, version 1: units, their logs, blobs, settings, and who may
-- do what. Applied by `checklist db migrate` in one transaction (see core/pgschema.py).
--
-- The rules are the database's own, not the client's:
--  * a record is a row written once: no UPDATE, DELETE or TRUNCATE is granted to anyone, and a
--    trigger refuses them from the tables' owner too (an owner who drops the trigger can edit,
--    and `checklist verify` catches it by the chain: each line's SHA-256 is the next one's link);
--  * each unit's log is numbered and placed without gaps by a trigger under a row lock on the
--    unit's head (appends to one unit are serialised, different units append in parallel),
--    and a chained record must link to the line before it;
--  * row-level security: a unit's writer reads and appends to its own units only, a supervisor
--    reads the units placed under its node, an administrator reads everything and starts units.

CREATE SCHEMA checklist;
REVOKE ALL ON SCHEMA checklist FROM PUBLIC;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'checklist_writer') THEN
        CREATE ROLE checklist_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'checklist_supervisor') THEN
        CREATE ROLE checklist_supervisor NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'checklist_admin') THEN
        CREATE ROLE checklist_admin NOLOGIN;
    END IF;
END $$;

GRANT USAGE ON SCHEMA checklist TO checklist_writer, checklist_supervisor, checklist_admin;

-- The migrations applied: `checklist db migrate` adds a row with each, in its transaction.
CREATE TABLE checklist.schema_version (
    version int PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by name NOT NULL DEFAULT current_user
);

CREATE TABLE checklist.store (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO checklist.store (id) VALUES (gen_random_uuid()::text);

CREATE TABLE checklist.config (
    key text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
    value text NOT NULL CHECK (length(value) <= 10000)
);

-- Who may do what, by login role: a writer of a unit, a supervisor of a node (the bodies from
-- the top down, as a unit's place names them), an administrator.
CREATE TABLE checklist.access (
    role name NOT NULL,
    grant_kind text NOT NULL CHECK (grant_kind IN ('writer', 'supervisor', 'admin')),
    unit text NOT NULL DEFAULT '',
    node text[] NOT NULL DEFAULT '{}',
    granted_at timestamptz NOT NULL DEFAULT now(),
    granted_by name NOT NULL DEFAULT current_user,
    PRIMARY KEY (role, grant_kind, unit, node)
);

CREATE TABLE checklist.units (
    unit text PRIMARY KEY CHECK (length(unit) BETWEEN 1 AND 64),
    genesis bytea NOT NULL CHECK (length(genesis) <= 1048576),  -- unit.json as written
    place text[] NOT NULL DEFAULT '{}',  -- from its last `placed` record (kept by a trigger)
    mirror bytea CHECK (length(mirror) <= 1048576),  -- mirror.json of a unit imported from a bundle
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name NOT NULL DEFAULT current_user
);

CREATE TABLE checklist.heads (
    unit text PRIMARY KEY REFERENCES checklist.units (unit),
    n bigint NOT NULL DEFAULT 0,  -- lines in the log
    size bigint NOT NULL DEFAULT 0,  -- bytes of the log as a file would hold it
    seq bigint,  -- of the last line if it is chained
    hash text  -- SHA-256 of the last line
);

CREATE TABLE checklist.records (
    unit text NOT NULL REFERENCES checklist.units (unit),
    n bigint NOT NULL CHECK (n > 0),  -- the line's number in the unit's log
    pos bigint NOT NULL CHECK (pos >= 0),  -- where it starts in the log as a file would hold it
    line bytea NOT NULL CHECK (length(line) <= 16777216 AND position('\x0a'::bytea IN line) = 0),
    hash text GENERATED ALWAYS AS ('sha256:' || encode(sha256(line), 'hex')) STORED,
    written_at timestamptz NOT NULL DEFAULT now(),
    written_by name NOT NULL DEFAULT current_user,
    PRIMARY KEY (unit, n)
);
CREATE INDEX records_pos ON checklist.records (unit, pos);

-- The store's list of its units (unitlist.py): chained lines, written once.
CREATE TABLE checklist.unit_list (
    n bigint PRIMARY KEY CHECK (n > 0),
    line bytea NOT NULL CHECK (length(line) <= 1048576),
    unit text,  -- the unit the line lists (set from the line by a trigger): who may read the line
    written_at timestamptz NOT NULL DEFAULT now(),
    written_by name NOT NULL DEFAULT current_user
);

-- Catalogs, evidence, public keys, seals and checkpoints: written once under a name their
-- content decides (a SHA-256, a key id) or, for a seal or checkpoint, their unit and head.
CREATE TABLE checklist.blobs (
    kind text NOT NULL CHECK (kind IN ('catalog', 'evidence', 'key', 'seal', 'checkpoint', 'trusted', 'mirror-key', 'mirror-seal', 'exported', 'pushed')),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    unit text,  -- the unit it belongs to, for per-unit kinds (a key may be trusted for a unit not yet here)
    data bytea NOT NULL,
    sha256 text GENERATED ALWAYS AS (encode(sha256(data), 'hex')) STORED,
    written_at timestamptz NOT NULL DEFAULT now(),
    written_by name NOT NULL DEFAULT current_user,
    PRIMARY KEY (kind, name),
    CHECK (kind NOT IN ('catalog', 'evidence') OR sha256 = name),
    CHECK ((unit IS NULL) = (kind IN ('catalog', 'evidence', 'key', 'trusted')))  -- a key may be trusted for a unit not yet here
);

-- Who am I, and what may I read and write: the functions every policy asks. They run with
-- the caller's rights (a SECURITY DEFINER function sees its owner as current_user, and would
-- let everyone read everything): a unit's row says by itself who may read it, and every other
-- table asks which units the caller sees (checklist.units, under its own policy).
CREATE FUNCTION checklist.is_admin() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, checklist AS $$
    SELECT pg_has_role(current_user, 'checklist_admin', 'MEMBER')
        OR EXISTS (SELECT FROM pg_roles WHERE rolname = current_user AND rolsuper)
$$;

CREATE FUNCTION checklist.writable_units() RETURNS SETOF text
LANGUAGE sql STABLE SET search_path = pg_catalog, checklist AS $$
    SELECT unit FROM checklist.units WHERE checklist.is_admin()
    UNION
    SELECT unit FROM checklist.access WHERE role = current_user AND grant_kind = 'writer'
$$;

CREATE FUNCTION checklist.readable_units() RETURNS SETOF text
LANGUAGE sql STABLE SET search_path = pg_catalog, checklist AS $$
    SELECT unit FROM checklist.units  -- as its policy read_units lets the caller see them
$$;

-- May the login role write a unit? Asked by lock_head, which runs as its owner: the session's
-- role is the one that logged in (an administrator's `SET ROLE` keeps an administrator's).
CREATE FUNCTION checklist.session_may_write(p_unit text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, checklist AS $$
    SELECT pg_has_role(session_user, 'checklist_admin', 'MEMBER')
        OR EXISTS (SELECT FROM pg_roles WHERE rolname = session_user AND rolsuper)
        OR EXISTS (SELECT FROM checklist.access WHERE role = session_user AND grant_kind = 'writer' AND unit = p_unit)
$$;
REVOKE ALL ON FUNCTION checklist.session_may_write(text) FROM PUBLIC;

-- Is there a unit of that id the caller may not read? (So that a writer who names another
-- unit is told it has no right to it, not that there is no such unit: ids are no secret.)
CREATE FUNCTION checklist.unit_withheld(p_unit text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, checklist AS $$
    SELECT EXISTS (SELECT FROM checklist.units WHERE unit = p_unit)
$$;

-- How many units the list holds, whoever asks (a writer sees only its own units' lines).
CREATE FUNCTION checklist.unit_list_size() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, checklist AS $$
    SELECT count(*) FROM checklist.unit_list
$$;

-- Appends: the row lock on the unit's head that serialises them, and the checks of each line.
CREATE FUNCTION checklist.lock_head(p_unit text)
RETURNS TABLE (n bigint, size bigint, seq bigint, hash text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, checklist AS $$
BEGIN
    IF NOT checklist.session_may_write(p_unit) THEN
        RAISE EXCEPTION 'checklist: no right to write unit %', p_unit USING ERRCODE = '42501';
    END IF;
    RETURN QUERY SELECT h.n, h.size, h.seq, h.hash FROM checklist.heads AS h WHERE h.unit = p_unit FOR UPDATE;
END $$;

CREATE FUNCTION checklist.record_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, checklist AS $$
DECLARE
    head checklist.heads%ROWTYPE;
    doc jsonb;
    text_ text;
    expected text;
BEGIN
    SELECT * INTO head FROM checklist.heads WHERE unit = NEW.unit FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'checklist: unit % has no head', NEW.unit USING ERRCODE = '23503';
    END IF;
    NEW.written_at := now();  -- the server's clock, whatever the client sent
    IF NEW.n <> head.n + 1 OR NEW.pos <> head.size THEN
        RAISE EXCEPTION 'checklist: line % at % does not follow line % of unit % (size %)',
            NEW.n, NEW.pos, head.n, NEW.unit, head.size USING ERRCODE = '23514';
    END IF;
    IF btrim(convert_from(NEW.line, 'UTF8'), E' \t\r') <> '' THEN
        text_ := convert_from(NEW.line, 'UTF8');
        IF position('\u0000' IN text_) > 0 THEN  -- a note may hold U+0000, which jsonb cannot: not a field read here
            text_ := regexp_replace(text_, '(?<!\\)((?:\\\\)*)\\u0000', '\1\\u0020', 'g');
        END IF;
        doc := text_::jsonb;
        IF jsonb_typeof(doc) <> 'object' OR doc->>'unit' IS DISTINCT FROM NEW.unit THEN
            RAISE EXCEPTION 'checklist: a record of another unit in unit %', NEW.unit USING ERRCODE = '23514';
        END IF;
        IF doc->'prev' IS NOT NULL THEN
            expected := CASE
                WHEN head.n = 0 THEN 'sha256:' || encode(sha256((SELECT genesis FROM checklist.units WHERE unit = NEW.unit)), 'hex')
                WHEN head.seq IS NOT NULL THEN head.hash
            END;
            IF expected IS NOT NULL AND (doc->>'prev' <> expected OR (doc->>'seq')::bigint <> coalesce(head.seq, 0) + 1) THEN
                RAISE EXCEPTION 'checklist: record % of unit % does not link to the line before it', doc->>'seq', NEW.unit
                    USING ERRCODE = '23514';
            END IF;
        END IF;
        IF doc->>'action' = 'placed' AND jsonb_typeof(doc->'place') = 'array' THEN
            UPDATE checklist.units SET place = ARRAY(SELECT jsonb_array_elements_text(doc->'place')) WHERE unit = NEW.unit;
        END IF;
    END IF;
    UPDATE checklist.heads SET n = NEW.n, size = NEW.pos + length(NEW.line) + 1,
        seq = CASE WHEN doc->'prev' IS NOT NULL THEN (doc->>'seq')::bigint END,
        hash = 'sha256:' || encode(sha256(NEW.line), 'hex')
        WHERE unit = NEW.unit;
    RETURN NEW;
END $$;
CREATE TRIGGER record_inserted BEFORE INSERT ON checklist.records
    FOR EACH ROW EXECUTE FUNCTION checklist.record_inserted();

CREATE FUNCTION checklist.unit_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, checklist AS $$
BEGIN
    INSERT INTO checklist.heads (unit) VALUES (NEW.unit);
    RETURN NEW;
END $$;
CREATE TRIGGER unit_inserted AFTER INSERT ON checklist.units
    FOR EACH ROW EXECUTE FUNCTION checklist.unit_inserted();

-- Written once: nobody rewrites or removes a record, a unit, the list or a blob.
CREATE FUNCTION checklist.written_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'checklist: % of % refused: its rows are written once', TG_OP, TG_TABLE_NAME
        USING ERRCODE = '42501';
END $$;
CREATE FUNCTION checklist.keep_place() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN  -- a unit's row changes only in its place (kept from its records by record_inserted)
    IF NEW.unit <> OLD.unit OR NEW.genesis <> OLD.genesis OR NEW.mirror IS DISTINCT FROM OLD.mirror
        OR NEW.created_at <> OLD.created_at OR NEW.created_by <> OLD.created_by THEN
        RAISE EXCEPTION 'checklist: UPDATE of units refused: a unit is written once' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER written_once BEFORE UPDATE OR DELETE ON checklist.records FOR EACH ROW EXECUTE FUNCTION checklist.written_once();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON checklist.records FOR EACH STATEMENT EXECUTE FUNCTION checklist.written_once();
CREATE TRIGGER written_once BEFORE DELETE ON checklist.units FOR EACH ROW EXECUTE FUNCTION checklist.written_once();
CREATE TRIGGER keep_place BEFORE UPDATE ON checklist.units FOR EACH ROW EXECUTE FUNCTION checklist.keep_place();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON checklist.units FOR EACH STATEMENT EXECUTE FUNCTION checklist.written_once();
CREATE FUNCTION checklist.unit_listed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN  -- the unit a line of the list names, from the line itself
    NEW.unit := convert_from(NEW.line, 'UTF8')::jsonb ->> 'unit';
    RETURN NEW;
END $$;
CREATE TRIGGER unit_listed BEFORE INSERT ON checklist.unit_list FOR EACH ROW EXECUTE FUNCTION checklist.unit_listed();
CREATE TRIGGER written_once BEFORE UPDATE OR DELETE ON checklist.unit_list FOR EACH ROW EXECUTE FUNCTION checklist.written_once();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON checklist.unit_list FOR EACH STATEMENT EXECUTE FUNCTION checklist.written_once();
CREATE TRIGGER written_once BEFORE UPDATE OR DELETE ON checklist.blobs FOR EACH ROW EXECUTE FUNCTION checklist.written_once();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON checklist.blobs FOR EACH STATEMENT EXECUTE FUNCTION checklist.written_once();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON checklist.heads FOR EACH STATEMENT EXECUTE FUNCTION checklist.written_once();

-- Row-level security: what each role sees and may add.
ALTER TABLE checklist.units ENABLE ROW LEVEL SECURITY;
ALTER TABLE checklist.heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE checklist.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE checklist.blobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE checklist.access ENABLE ROW LEVEL SECURITY;
ALTER TABLE checklist.unit_list ENABLE ROW LEVEL SECURITY;

CREATE POLICY read_units ON checklist.units FOR SELECT USING (
    checklist.is_admin() OR EXISTS (
        SELECT FROM checklist.access AS a WHERE a.role = current_user AND (
            (a.grant_kind = 'writer' AND a.unit = units.unit)
            OR (a.grant_kind = 'supervisor' AND units.place[1:cardinality(a.node)] = a.node))));
CREATE POLICY start_units ON checklist.units FOR INSERT WITH CHECK (checklist.is_admin());
CREATE POLICY read_heads ON checklist.heads FOR SELECT USING (unit IN (SELECT checklist.readable_units()));
CREATE POLICY read_records ON checklist.records FOR SELECT USING (unit IN (SELECT checklist.readable_units()));
CREATE POLICY write_records ON checklist.records FOR INSERT
    WITH CHECK (unit IN (SELECT checklist.writable_units()) AND written_by = current_user);
CREATE POLICY read_blobs ON checklist.blobs FOR SELECT USING (unit IS NULL OR unit IN (SELECT checklist.readable_units()));
CREATE POLICY write_blobs ON checklist.blobs FOR INSERT
    WITH CHECK ((unit IS NULL OR unit IN (SELECT checklist.writable_units())) AND written_by = current_user);
CREATE POLICY read_unit_list ON checklist.unit_list FOR SELECT USING (checklist.is_admin() OR unit IN (SELECT checklist.readable_units()));
CREATE POLICY write_unit_list ON checklist.unit_list FOR INSERT WITH CHECK (checklist.is_admin());
CREATE POLICY read_access ON checklist.access FOR SELECT USING (role = current_user OR checklist.is_admin());
CREATE POLICY grant_access ON checklist.access FOR INSERT WITH CHECK (checklist.is_admin());
CREATE POLICY revoke_access ON checklist.access FOR DELETE USING (checklist.is_admin());

GRANT SELECT ON checklist.schema_version, checklist.store, checklist.config, checklist.units, checklist.heads, checklist.records,
    checklist.unit_list, checklist.blobs, checklist.access TO checklist_writer, checklist_supervisor, checklist_admin;
GRANT INSERT ON checklist.records, checklist.blobs TO checklist_writer, checklist_admin;
GRANT INSERT ON checklist.units, checklist.unit_list, checklist.access TO checklist_admin;
GRANT DELETE ON checklist.access TO checklist_admin;
GRANT INSERT, UPDATE, DELETE ON checklist.config TO checklist_admin;
REVOKE ALL ON FUNCTION checklist.lock_head(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION checklist.unit_withheld(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION checklist.unit_withheld(text) TO checklist_writer, checklist_supervisor, checklist_admin;
GRANT EXECUTE ON FUNCTION checklist.lock_head(text) TO checklist_writer, checklist_admin;

-- Size limits, as a folder store's (store.BLOB_LIMITS; evidence: PostgreSQL's largest value).
ALTER TABLE checklist.blobs ADD CONSTRAINT blob_size CHECK (length(data) <= CASE kind
    WHEN 'key' THEN 1048576 WHEN 'checkpoint' THEN 1048576
    WHEN 'catalog' THEN 67108864 WHEN 'seal' THEN 67108864
    ELSE 1073741823 END);

-- Bundles and mirrors (core/pgmirrors.py): a mirror (units.mirror set: a unit imported from
-- another store's bundles) takes records only as received, from an import or a push, which
-- say so for their transaction (checklist.mirroring); no recording command writes to it.
-- Keys trusted for units, what comes with a mirror, and where a unit pushed here comes from
-- (`checklist push`: the folder store its seals name) are the administrator's to write.
CREATE FUNCTION checklist.mirror_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, checklist AS $$
BEGIN
    IF current_setting('checklist.mirroring', true) IS DISTINCT FROM 'on'
        AND EXISTS (SELECT FROM checklist.units WHERE unit = NEW.unit AND mirror IS NOT NULL) THEN
        RAISE EXCEPTION 'checklist: unit % is a mirror: its records come only from its own store''s bundles', NEW.unit
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER mirror_guard BEFORE INSERT ON checklist.records FOR EACH ROW EXECUTE FUNCTION checklist.mirror_guard();
CREATE POLICY bundles_by_admin ON checklist.blobs AS RESTRICTIVE FOR INSERT
    WITH CHECK (kind NOT IN ('trusted', 'mirror-key', 'mirror-seal', 'pushed') OR checklist.is_admin());
