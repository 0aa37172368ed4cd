-- LabelFleet workforce management: roles, labeling configs, annotators and their workspaces, workflows and
-- their items, assignments, gold standard, reviews, events and settings. Top-level rows belong to an organization.

CREATE TABLE fleet_roles (
  id serial PRIMARY KEY,
  organization_id integer NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  color text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX fleet_roles_name_key ON fleet_roles (organization_id, lower(name));

CREATE TABLE labeling_configs (
  id serial PRIMARY KEY,
  organization_id integer NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  config_xml text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- An annotator is a LabelFleet user (role annotator) plus this row; status is the state of their workspace.
CREATE TABLE annotators (
  id serial PRIMARY KEY,
  organization_id integer NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id integer NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL,
  email text NOT NULL,
  role_id integer REFERENCES fleet_roles(id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'starting', 'active', 'stopping', 'stopped', 'error', 'deleted')),
  workspace_id text,
  subdomain text NOT NULL,
  database_name text,
  webhook_secret text NOT NULL,
  reported_token text,
  notes text,
  last_active_at timestamptz,
  rejection_count integer NOT NULL DEFAULT 0,
  reviewed_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX annotators_email_key ON annotators (organization_id, lower(email));
CREATE INDEX annotators_org_status ON annotators (organization_id, status);

CREATE TABLE container_events (
  id bigserial PRIMARY KEY,
  annotator_id integer NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
  event_type text NOT NULL,
  from_status text,
  to_status text,
  message text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX container_events_annotator ON container_events (annotator_id, created_at DESC);

CREATE TABLE workflows (
  id serial PRIMARY KEY,
  organization_id integer NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  role_id integer REFERENCES fleet_roles(id) ON DELETE SET NULL,
  labeling_config_id integer REFERENCES labeling_configs(id),
  previous_workflow_id integer REFERENCES workflows(id) ON DELETE SET NULL,
  s3_source_path text NOT NULL,
  s3_export_path text NOT NULL,
  images_per_project integer NOT NULL DEFAULT 100,
  max_projects integer,
  estimated_time_minutes integer,
  auto_assign boolean NOT NULL DEFAULT true,
  gold_standard_rate double precision NOT NULL DEFAULT 0,
  shuffle_images boolean NOT NULL DEFAULT true,
  is_active boolean NOT NULL DEFAULT true,
  -- counters kept on write
  total_images_available integer NOT NULL DEFAULT 0,
  total_images_assigned integer NOT NULL DEFAULT 0,
  rejection_mode text NOT NULL DEFAULT 'none' CHECK (rejection_mode IN ('none', 'archive', 'route_to_workflow')),
  rejection_archive_bucket text,
  rejection_route_workflow_id integer REFERENCES workflows(id) ON DELETE SET NULL,
  rejection_return_to_original boolean NOT NULL DEFAULT false,
  rejection_flag_annotator boolean NOT NULL DEFAULT true,
  max_rework_iterations integer,
  created_by integer REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflows_org ON workflows (organization_id, id);
CREATE INDEX workflows_previous ON workflows (previous_workflow_id);

-- The work a workflow hands out: storage keys found in its source folder, or the completed output of its
-- upstream workflow (chaining), or rejected work routed back (one row per rework iteration).
CREATE TABLE workflow_items (
  id bigserial PRIMARY KEY,
  workflow_id integer NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
  item_key text NOT NULL,
  rework_iteration integer NOT NULL DEFAULT 0,
  upstream_task_id bigint,
  upstream_result jsonb,
  reserved_annotator_id integer REFERENCES annotators(id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'assigned', 'escalated')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX workflow_items_key ON workflow_items (workflow_id, item_key, rework_iteration);
CREATE INDEX workflow_items_available ON workflow_items (workflow_id, id) WHERE status = 'available';

CREATE TABLE gold_tasks (
  id serial PRIMARY KEY,
  organization_id integer NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text,
  s3_image_key text NOT NULL,
  expected_labels jsonb NOT NULL,
  labeling_config_id integer NOT NULL REFERENCES labeling_configs(id),
  category text,
  difficulty text CHECK (difficulty IN ('easy', 'medium', 'hard')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gold_tasks_config ON gold_tasks (labeling_config_id);

-- One batch of one workflow for one annotator, labeled in its own Label Studio-compatible project.
CREATE TABLE assignments (
  id serial PRIMARY KEY,
  workflow_id integer NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
  annotator_id integer NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
  ls_project_id integer REFERENCES projects(id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'completed', 'failed', 'cancelled')),
  task_count integer NOT NULL DEFAULT 0,
  gold_task_count integer NOT NULL DEFAULT 0,
  completed_count integer NOT NULL DEFAULT 0,
  is_rework boolean NOT NULL DEFAULT false,
  export_path text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  completed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assignments_annotator ON assignments (annotator_id, status);
CREATE INDEX assignments_workflow ON assignments (workflow_id, status);
CREATE INDEX assignments_project ON assignments (ls_project_id);

-- The tasks of an assignment; media_id is the opaque name under which the task's media is served.
CREATE TABLE assignment_tasks (
  id bigserial PRIMARY KEY,
  assignment_id integer NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
  ls_task_id bigint NOT NULL UNIQUE REFERENCES tasks(id) ON DELETE CASCADE,
  item_id bigint REFERENCES workflow_items(id) ON DELETE SET NULL,
  is_gold boolean NOT NULL DEFAULT false,
  gold_task_id integer REFERENCES gold_tasks(id) ON DELETE SET NULL,
  media_id text NOT NULL UNIQUE,
  media_key text NOT NULL,
  position integer NOT NULL,
  ls_annotation_id bigint,
  result jsonb,
  completed_at timestamptz
);
CREATE INDEX assignment_tasks_assignment ON assignment_tasks (assignment_id, position);
CREATE INDEX assignment_tasks_item ON assignment_tasks (item_id);

CREATE TABLE gold_results (
  id bigserial PRIMARY KEY,
  assignment_task_id bigint NOT NULL UNIQUE REFERENCES assignment_tasks(id) ON DELETE CASCADE,
  assignment_id integer NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
  annotator_id integer NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
  gold_task_id integer REFERENCES gold_tasks(id) ON DELETE SET NULL,
  gold_task_name text,
  score double precision NOT NULL,
  details jsonb NOT NULL DEFAULT '[]',
  evaluated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX gold_results_annotator ON gold_results (annotator_id, evaluated_at DESC);

-- Annotation activity, from our own API, the webhook or reconcile; the unique index makes delivery idempotent.
CREATE TABLE annotation_events (
  id bigserial PRIMARY KEY,
  annotator_id integer NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
  assignment_id integer REFERENCES assignments(id) ON DELETE SET NULL,
  event_type text NOT NULL,
  ls_project_id integer,
  ls_task_id bigint,
  ls_annotation_id bigint,
  time_spent_ms integer,
  source text NOT NULL DEFAULT 'native',
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX annotation_events_once ON annotation_events (annotator_id, ls_annotation_id, event_type);
CREATE INDEX annotation_events_annotator ON annotation_events (annotator_id, created_at DESC);
CREATE INDEX annotation_events_created ON annotation_events (created_at DESC);

-- Every review decision (accept or reject) on work that came from an origin workflow.
CREATE TABLE review_decisions (
  id bigserial PRIMARY KEY,
  origin_workflow_id integer REFERENCES workflows(id) ON DELETE SET NULL,
  reviewer_workflow_id integer REFERENCES workflows(id) ON DELETE SET NULL,
  original_annotator_id integer REFERENCES annotators(id) ON DELETE SET NULL,
  reviewer_annotator_id integer REFERENCES annotators(id) ON DELETE SET NULL,
  ls_task_id bigint NOT NULL UNIQUE,
  decision text NOT NULL CHECK (decision IN ('accept', 'reject')),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX review_decisions_origin ON review_decisions (origin_workflow_id);

CREATE TABLE rejections (
  id serial PRIMARY KEY,
  workflow_id integer REFERENCES workflows(id) ON DELETE SET NULL,
  origin_workflow_id integer REFERENCES workflows(id) ON DELETE SET NULL,
  original_annotator_id integer REFERENCES annotators(id) ON DELETE SET NULL,
  reviewer_annotator_id integer REFERENCES annotators(id) ON DELETE SET NULL,
  reviewer_assignment_id integer REFERENCES assignments(id) ON DELETE SET NULL,
  original_assignment_id integer REFERENCES assignments(id) ON DELETE SET NULL,
  routed_to_workflow_id integer REFERENCES workflows(id) ON DELETE SET NULL,
  routed_item_id bigint REFERENCES workflow_items(id) ON DELETE SET NULL,
  routed_to_assignment_id integer REFERENCES assignments(id) ON DELETE SET NULL,
  image_key text,
  reason text,
  action_taken text NOT NULL CHECK (action_taken IN ('none', 'archive', 'route_to_workflow')),
  rework_iteration integer NOT NULL DEFAULT 0,
  escalated boolean NOT NULL DEFAULT false,
  archive_path text,
  ls_task_id bigint,
  ls_annotation_id bigint,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX rejections_workflow ON rejections (workflow_id, id DESC);
CREATE INDEX rejections_original ON rejections (original_annotator_id, id DESC);
CREATE INDEX rejections_routed_item ON rejections (routed_item_id);

CREATE TABLE fleet_settings (
  id serial PRIMARY KEY,
  organization_id integer NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  key text NOT NULL,
  value jsonb NOT NULL,
  description text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX fleet_settings_key ON fleet_settings (organization_id, key);
