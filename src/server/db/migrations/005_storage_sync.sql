-- Cloud storages (S3) and syncs through the job queue.
-- An S3 object is re-read only when its ETag changed; local files keep comparing size and mtime.
ALTER TABLE storage_links ADD COLUMN etag text;

-- The job of the storage's latest sync (Label Studio's last_sync_job), and when the scheduler
-- queues its next sync (null: no schedule; the interval itself is a setting).
ALTER TABLE storages ADD COLUMN last_sync_job text;
ALTER TABLE storages ADD COLUMN next_sync_at timestamptz;
CREATE INDEX storages_next_sync ON storages (next_sync_at) WHERE next_sync_at IS NOT NULL;
