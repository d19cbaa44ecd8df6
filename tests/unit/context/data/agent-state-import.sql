-- An agent state.db with sessions started outside Caduceus (CLI), one continuing a compressed parent, and
-- one of Caduceus's own short-lived sessions (never offered for import).
CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, model TEXT, parent_session_id TEXT,
  started_at REAL NOT NULL, title TEXT, input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0);
CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL,
  content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp REAL NOT NULL, reasoning TEXT,
  active INTEGER DEFAULT 1);
INSERT INTO sessions (id, source, model, started_at, title)
  VALUES ('20250228_cli_zzz', 'cli', 'hermes-3', 1740700000.0, 'Deploy notes');
INSERT INTO sessions (id, source, model, parent_session_id, started_at, title)
  VALUES ('20250301_cli_aaa', 'cli', 'hermes-3', '20250228_cli_zzz', 1740800000.0, 'Deploy notes');
INSERT INTO sessions (id, source, model, started_at) VALUES ('eph_mine_1', 'api_server', 'hermes-3', 1740900000.0);
INSERT INTO messages (session_id, role, content, timestamp)
  VALUES ('20250228_cli_zzz', 'user', char(0) || 'json:[{"type":"text","text":"How do we deploy?"}]', 1740700000.1);
INSERT INTO messages (session_id, role, content, tool_calls, timestamp, reasoning) VALUES ('20250228_cli_zzz',
  'assistant', 'Let me read the script.',
  '[{"id":"call_1","type":"function","function":{"name":"read_file","arguments":"{}"}}]', 1740700000.2, 'Check deploy.sh');
INSERT INTO messages (session_id, role, content, tool_call_id, timestamp)
  VALUES ('20250228_cli_zzz', 'tool', 'rsync -a dist/ host:/srv', 'call_1', 1740700000.3);
INSERT INTO messages (session_id, role, content, timestamp, active)
  VALUES ('20250228_cli_zzz', 'assistant', 'A rewound draft.', 1740700000.4, 0);
INSERT INTO messages (session_id, role, content, timestamp)
  VALUES ('20250301_cli_aaa', 'assistant', 'It copies dist/ to the server with rsync.', 1740800000.1);
INSERT INTO messages (session_id, role, content, timestamp) VALUES ('eph_mine_1', 'user', 'mine', 1740900000.1);
