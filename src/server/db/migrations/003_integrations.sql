-- Integrations: the job queue, outgoing webhooks with their delivery log, and ML backends.

-- Durable background jobs in the same database, claimed by workers with FOR UPDATE SKIP LOCKED.
-- Jobs that share an order_key run one at a time and in id order, retries included (webhook deliveries
-- of one project to one URL). `subject` names what a job works for ("ml_backend:7"), for reports.
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  queue text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  order_key text,
  subject text,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'active', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX jobs_open ON jobs (run_at, id) WHERE state IN ('queued', 'active');
CREATE INDEX jobs_open_key ON jobs (order_key, id) WHERE state IN ('queued', 'active');
CREATE INDEX jobs_subject ON jobs (subject, id) WHERE subject IS NOT NULL;
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state IN ('done', 'failed');

-- Label Studio's webhooks; project_id NULL is an organization-wide webhook. `secret` signs each body.
CREATE TABLE webhooks (
  id serial PRIMARY KEY,
  organization_id integer NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  project_id integer REFERENCES projects(id) ON DELETE CASCADE,
  url text NOT NULL,
  send_payload boolean NOT NULL DEFAULT true,
  send_for_all_actions boolean NOT NULL DEFAULT true,
  headers jsonb NOT NULL DEFAULT '{}',
  is_active boolean NOT NULL DEFAULT true,
  actions text[] NOT NULL DEFAULT '{}',
  secret text NOT NULL,
  consecutive_failures integer NOT NULL DEFAULT 0,
  created_by integer REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_org_project ON webhooks (organization_id, project_id);

-- One row per delivery attempt; delivery_id stays the same across the attempts of one delivery.
CREATE TABLE webhook_deliveries (
  id bigserial PRIMARY KEY,
  webhook_id integer NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  delivery_id uuid NOT NULL,
  job_id bigint,
  action text NOT NULL,
  attempt integer NOT NULL,
  delivered boolean NOT NULL,
  status_code integer,
  error text,
  duration_ms integer NOT NULL,
  response_body text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);

-- Label Studio's ML backends (one project each). hostname is how the backend reaches this server.
CREATE TABLE ml_backends (
  id serial PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  url text NOT NULL,
  title text NOT NULL DEFAULT 'default',
  description text NOT NULL DEFAULT '',
  state text NOT NULL DEFAULT 'DI',
  error_message text,
  is_interactive boolean NOT NULL DEFAULT false,
  model_version text NOT NULL DEFAULT '',
  timeout double precision NOT NULL DEFAULT 100,
  auth_method text NOT NULL DEFAULT 'NONE',
  basic_auth_user text,
  basic_auth_pass text,
  extra_params jsonb,
  auto_update boolean NOT NULL DEFAULT true,
  hostname text NOT NULL DEFAULT '',
  webhook_id integer REFERENCES webhooks(id) ON DELETE SET NULL,
  annotations_since_train integer NOT NULL DEFAULT 0,
  created_by integer REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ml_backends_project ON ml_backends (project_id);

-- Uncertainty sampling walks a project's predictions from the lowest score up.
CREATE INDEX predictions_project_score ON predictions (project_id, score, task_id);
