-- Label Studio-compatible core: organizations, users, auth, projects, tasks, annotations, predictions.
CREATE TABLE organizations (
  id serial PRIMARY KEY,
  title text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL,
  username text NOT NULL,
  first_name text NOT NULL DEFAULT '',
  last_name text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  password_hash text,
  role text NOT NULL DEFAULT 'annotator',
  is_active boolean NOT NULL DEFAULT true,
  allow_newsletters boolean,
  active_organization integer REFERENCES organizations(id),
  date_joined timestamptz NOT NULL DEFAULT now(),
  last_activity timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Legacy "Token <key>" API keys: one per user, replaced on reset.
CREATE TABLE api_tokens (
  key text PRIMARY KEY,
  user_id integer NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Personal access tokens (JWT refresh tokens); the JWT itself is never stored.
CREATE TABLE personal_tokens (
  jti text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  preview text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX personal_tokens_user ON personal_tokens (user_id);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Key-value secrets of this installation (JWT signing key).
CREATE TABLE instance_settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE projects (
  id serial PRIMARY KEY,
  organization_id integer NOT NULL REFERENCES organizations(id),
  title text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  label_config text NOT NULL DEFAULT '<View></View>',
  parsed_label_config jsonb NOT NULL DEFAULT '{}',
  data_types jsonb NOT NULL DEFAULT '{}',
  maximum_annotations integer NOT NULL DEFAULT 1,
  settings jsonb NOT NULL DEFAULT '{}',
  created_by integer REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  pinned_at timestamptz,
  -- counters kept on write
  next_inner_id bigint NOT NULL DEFAULT 1,
  task_number integer NOT NULL DEFAULT 0,
  num_tasks_with_annotations integer NOT NULL DEFAULT 0,
  finished_task_number integer NOT NULL DEFAULT 0,
  total_annotations_number integer NOT NULL DEFAULT 0,
  skipped_annotations_number integer NOT NULL DEFAULT 0,
  ground_truth_number integer NOT NULL DEFAULT 0,
  total_predictions_number integer NOT NULL DEFAULT 0,
  -- the lowest task id that may still be unlabeled: where the label stream starts looking
  stream_cursor bigint NOT NULL DEFAULT 0
);
CREATE INDEX projects_org_created ON projects (organization_id, created_at DESC);

CREATE TABLE file_uploads (
  id serial PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id integer REFERENCES users(id) ON DELETE SET NULL,
  file text NOT NULL,
  size bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tasks (
  id bigserial PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  inner_id bigint NOT NULL,
  data jsonb NOT NULL,
  meta jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer,
  is_labeled boolean NOT NULL DEFAULT false,
  overlap integer NOT NULL DEFAULT 1,
  file_upload_id integer REFERENCES file_uploads(id) ON DELETE SET NULL,
  total_annotations integer NOT NULL DEFAULT 0,
  cancelled_annotations integer NOT NULL DEFAULT 0,
  ground_truth_annotations integer NOT NULL DEFAULT 0,
  total_predictions integer NOT NULL DEFAULT 0,
  completed_at timestamptz
);
CREATE INDEX tasks_project_id ON tasks (project_id, id);
CREATE INDEX tasks_project_inner ON tasks (project_id, inner_id);
CREATE INDEX tasks_project_unlabeled ON tasks (project_id, id) WHERE NOT is_labeled;

CREATE TABLE annotations (
  id bigserial PRIMARY KEY,
  task_id bigint NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  result jsonb NOT NULL DEFAULT '[]',
  completed_by integer REFERENCES users(id) ON DELETE SET NULL,
  updated_by integer,
  was_cancelled boolean NOT NULL DEFAULT false,
  ground_truth boolean NOT NULL DEFAULT false,
  lead_time double precision,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  draft_created_at timestamptz,
  parent_prediction bigint,
  parent_annotation bigint,
  unique_id uuid NOT NULL DEFAULT gen_random_uuid(),
  import_id bigint,
  last_action text,
  bulk_created boolean NOT NULL DEFAULT false
);
CREATE INDEX annotations_task ON annotations (task_id);
CREATE INDEX annotations_project_user ON annotations (project_id, completed_by);

CREATE TABLE predictions (
  id bigserial PRIMARY KEY,
  task_id bigint NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  result jsonb NOT NULL DEFAULT '[]',
  score double precision,
  model_version text NOT NULL DEFAULT 'undefined',
  cluster integer,
  neighbors jsonb,
  mislabeling double precision NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX predictions_task ON predictions (task_id);
CREATE INDEX predictions_project_version ON predictions (project_id, model_version);

CREATE TABLE drafts (
  id bigserial PRIMARY KEY,
  task_id bigint NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  annotation_id bigint REFERENCES annotations(id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  result jsonb NOT NULL DEFAULT '[]',
  lead_time double precision,
  was_postponed boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drafts_task_user ON drafts (task_id, user_id);

-- Short-lived claims so two annotators of the label stream don't get the same task.
CREATE TABLE task_locks (
  task_id bigint PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);
CREATE INDEX task_locks_user ON task_locks (user_id);

CREATE TABLE dm_views (
  id serial PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id integer REFERENCES users(id) ON DELETE SET NULL,
  data jsonb NOT NULL DEFAULT '{}',
  ordering integer NOT NULL DEFAULT 0,
  selected_items jsonb
);
CREATE INDEX dm_views_project ON dm_views (project_id);

CREATE TABLE exports (
  id serial PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  title text NOT NULL DEFAULT '',
  created_by integer REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  status text NOT NULL DEFAULT 'created',
  md5 text NOT NULL DEFAULT '',
  counters jsonb NOT NULL DEFAULT '{}',
  options jsonb NOT NULL DEFAULT '{}',
  file_path text
);
CREATE INDEX exports_project ON exports (project_id, id)
