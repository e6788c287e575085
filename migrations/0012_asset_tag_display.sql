-- 0012: the placa as the office writes it («IND-0083»). `tag` stays the normalised unique key
-- («IND0083») used for matching, lookups and links; `tag_display` is what screens, PDFs,
-- exports and the CLI show (NULL = the same as `tag`).
ALTER TABLE assets ADD COLUMN tag_display TEXT;
