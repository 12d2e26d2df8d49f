"""The tables DuckDB derives from the written ones (export.load_database)."""

# Each event's fields, span by span: the agreement's own mentions support its type and status;
# date, party and area items of the same article with the report's values support the rest.
EVENT_EVIDENCE = """
WITH reports AS (
  SELECT event_id, item_id AS agreement_item_id, article_id, type, status, date
  FROM agreements WHERE event_id IS NOT NULL),
spans AS (
  SELECT r.*, 'type' AS field, r.type AS value, m.* EXCLUDE (article_id)
  FROM reports r JOIN mentions m ON m.item_id = r.agreement_item_id
  UNION ALL BY NAME
  SELECT r.*, 'status' AS field, r.status AS value, m.* EXCLUDE (article_id)
  FROM reports r JOIN mentions m ON m.item_id = r.agreement_item_id
  UNION ALL BY NAME
  SELECT r.*, 'date' AS field, r.date AS value, m.* EXCLUDE (article_id)
  FROM reports r JOIN dates d ON d.article_id = r.article_id AND d.value = r.date
  JOIN mentions m ON m.item_id = d.item_id
  UNION ALL BY NAME
  SELECT r.*, 'parties' AS field, CAST(p.geonames_id AS VARCHAR) AS value, m.* EXCLUDE (article_id)
  FROM reports r JOIN agreement_parties p ON p.item_id = r.agreement_item_id
  JOIN article_cities c ON c.article_id = r.article_id AND c.geonames_id = p.geonames_id
  JOIN mentions m ON m.item_id = c.item_id
  UNION ALL BY NAME
  SELECT r.*, 'areas' AS field, aa.area AS value, m.* EXCLUDE (article_id)
  FROM reports r JOIN agreement_areas aa ON aa.item_id = r.agreement_item_id
  JOIN article_areas ar ON ar.article_id = r.article_id AND ar.area = aa.area
  JOIN mentions m ON m.item_id = ar.item_id)
SELECT event_id, field, value, article_id, agreement_item_id, item_id AS mention_item_id, text, "start", "end"
FROM spans ORDER BY event_id, field, article_id, agreement_item_id, "start"
"""

# A person in a role in a city (name compared case-insensitively), first and last seen by the
# publication dates of the articles that report it; the name as the earliest report wrote it.
OFFICE_HOLDERS = """
SELECT arg_min(o.name, coalesce(a.published, '9999') || o.item_id) AS name,
       o.city_geonames_id, any_value(c.name) AS city_name, o.role,
       min(a.published) AS first_seen, max(a.published) AS last_seen,
       count(DISTINCT o.article_id) AS n_articles,
       list_sort(list(DISTINCT o.article_id)) AS article_ids
FROM officials o JOIN articles a USING (article_id)
LEFT JOIN cities c ON c.geonames_id = o.city_geonames_id
WHERE o.city_geonames_id IS NOT NULL
GROUP BY lower(o.name), o.city_geonames_id, o.role
ORDER BY n_articles DESC, name, city_geonames_id, role
"""
