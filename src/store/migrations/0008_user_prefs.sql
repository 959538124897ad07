-- 0008_user_prefs: each user's language (en, fa) and calendar (gregorian,
-- jalali) for the web interface, kept on the server so that they follow the
-- user from browser to browser; '' = not chosen (the interface's default).
ALTER TABLE user ADD COLUMN lang TEXT NOT NULL DEFAULT '' CHECK (lang IN ('', 'en', 'fa'));
ALTER TABLE user ADD COLUMN calendar TEXT NOT NULL DEFAULT ''
  CHECK (calendar IN ('', 'gregorian', 'jalali'));
