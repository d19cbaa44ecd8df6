-- An older agent state.db: no active / reasoning / reasoning_content / title columns, tool_name left NULL,
-- list content stored as "\x00json:" + JSON. eph_old_1 continues the compressed eph_old_0.
CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, model TEXT, parent_session_id TEXT,
  started_at REAL NOT NULL, input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0);
CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL,
  content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp REAL NOT NULL);
INSERT INTO sessions (id, source, model, started_at) VALUES ('eph_old_0', 'api_server', 'hermes-3', 1700000000.0);
INSERT INTO sessions (id, source, model, parent_session_id, started_at)
  VALUES ('eph_old_1', 'api_server', 'hermes-3', 'eph_old_0', 1700000100.0);
INSERT INTO messages (session_id, role, content, timestamp) VALUES ('eph_old_0', 'user', 'Earlier question', 1700000000.1);
INSERT INTO messages (session_id, role, content, timestamp) VALUES ('eph_old_0', 'assistant', 'Earlier answer', 1700000000.2);
INSERT INTO messages (session_id, role, content, timestamp) VALUES ('eph_old_1', 'user', 'List the files', 1700000100.1);
INSERT INTO messages (session_id, role, content, tool_calls, timestamp) VALUES ('eph_old_1', 'assistant', '',
  '[{"id":"call_9","type":"function","function":{"name":"ls","arguments":"{\"path\": \".\"}"}}]', 1700000100.2);
INSERT INTO messages (session_id, role, content, tool_call_id, timestamp)
  VALUES ('eph_old_1', 'tool', 'a.txt b.txt', 'call_9', 1700000100.3);
INSERT INTO messages (session_id, role, content, timestamp) VALUES ('eph_old_1', 'assistant',
  char(0) || 'json:[{"type":"text","text":"There are two files: a.txt and b.txt."}]', 1700000100.4);
