-- Import ("source") and export ("target") storages of a project, Label Studio's io_storages.
-- One table for every type: type-specific settings that have no column go in settings.
CREATE TABLE storages (
  id serial PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  direction text NOT NULL CHECK (direction IN ('import', 'export')),
  type text NOT NULL,
  title text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  path text NOT NULL DEFAULT '',
  regex_filter text,
  use_blob_urls boolean NOT NULL DEFAULT false,
  can_delete_objects boolean NOT NULL DEFAULT false,
  settings jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'initialized',
  traceback text,
  last_sync timestamptz,
  last_sync_count integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX storages_project ON storages (project_id, direction);

-- What an import sync has seen: a key is re-read only when its size or modification time changed.
CREATE TABLE storage_links (
  storage_id integer NOT NULL REFERENCES storages(id) ON DELETE CASCADE,
  key text NOT NULL,
  size bigint NOT NULL,
  mtime_ms double precision NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (storage_id, key)
);
