"""Full-text search as campaigners type it: irregular plurals, spelling variants and the UN's
abbreviations folded, accents ignored, the metadata searched below the text, Korean and
Chinese terms mapped to the English of the texts, and a syntax people know (docs/search.md).

- `synonyms`: the reviewed synonym groups (synonyms.csv) and the table the query rewrites from;
- `query`: the query's syntax, parsed into a tsquery built from parameters, never from text;
- `lexicon`: Korean and Chinese terms to English (docs/glossary.md, bodies', states' names);
- `highlight`: the excerpt where a result matched, escaped for HTML but for its <mark>s.
"""

# The text search configuration of migration 0030: English stemming after unaccent.
SEARCH_CONFIG = "tracker"
