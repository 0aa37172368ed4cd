-- Workflow sources are listed when they change (creation, update, explicit sync, or a listing older than
-- fleet.sourceRescanSeconds), not on every assignment; assignment then picks items with SQL only.
ALTER TABLE workflows ADD COLUMN source_listed_at timestamptz;

-- What the listing said about an item (S3 ETag; size and mtime for a local file).
ALTER TABLE workflow_items ADD COLUMN etag text;

-- A shuffled workflow hands items out in this order: drawn once when the item arrives, so a pick is an index range scan.
ALTER TABLE workflow_items ADD COLUMN shuffle_rank double precision NOT NULL DEFAULT random();

CREATE INDEX workflow_items_next_in_order ON workflow_items (workflow_id, item_key, rework_iteration) WHERE status = 'available' AND reserved_annotator_id IS NULL;
CREATE INDEX workflow_items_next_shuffled ON workflow_items (workflow_id, shuffle_rank) WHERE status = 'available' AND reserved_annotator_id IS NULL;
CREATE INDEX workflow_items_reserved ON workflow_items (reserved_annotator_id, workflow_id) WHERE status = 'available' AND reserved_annotator_id IS NOT NULL;
