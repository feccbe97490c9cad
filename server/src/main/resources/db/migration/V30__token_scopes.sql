-- A token may be limited to a team's groups: the tags every group it acts on must carry, as a JSON object
-- ({"team":"payments"}); NULL: unscoped.
ALTER TABLE api_tokens ADD COLUMN scope VARCHAR(2000);
