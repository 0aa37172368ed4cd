-- A source item whose object left the source folder (deleted, moved, or the workflow repointed elsewhere) is
-- "gone": never handed out, not counted as available, and "available" again if a later listing shows it.
-- Only items not handed out yet become gone; assigned work stays as it is.
ALTER TABLE workflow_items DROP CONSTRAINT workflow_items_status_check;
ALTER TABLE workflow_items ADD CONSTRAINT workflow_items_status_check CHECK (status IN ('available', 'assigned', 'escalated', 'gone'));
