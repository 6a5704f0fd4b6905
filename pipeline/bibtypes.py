"""The biblatex data model as CSL sees it: entry types, name roles, CSL variables.

The type map is pandoc's (``src/Text/Pandoc/Citeproc/BibTeX.hs``), with the
spellings reference managers write (Mendeley's ``@book_section``) added.
"""

from __future__ import annotations

from typing import Any

# biblatex's data model: entry types pandoc knows (others are read as @misc).
KNOWN_TYPES = frozenset(["article", "book", "mvbook", "inbook", "bookinbook", "suppbook", "booklet", "collection", "mvcollection", "incollection", "suppcollection", "dataset", "manual", "misc", "online", "patent", "periodical", "suppperiodical", "proceedings", "mvproceedings", "inproceedings", "reference", "mvreference", "inreference", "report", "set", "software", "thesis", "unpublished", "xdata", "conference", "electronic", "mastersthesis", "phdthesis", "techreport", "www", "artwork", "audio", "bibnote", "commentary", "image", "jurisdiction", "legislation", "legal", "letter", "movie", "music", "performance", "review", "standard", "video", "data", "letters", "newsarticle"])
# Mendeley's and EndNote's type names, and other spellings, as biblatex types.
TYPE_ALIASES = {
    "book_section": "incollection", "booksection": "incollection", "chapter": "inbook",
    "web_page": "online", "webpage": "online", "website": "online", "web": "online",
    "journal_article": "article", "journalarticle": "article",
    "magazine_article": "article", "newspaper_article": "article",
    "conference_paper": "inproceedings", "conference_proceedings": "proceedings",
    "computer_program": "software", "generic": "misc", "working_paper": "report",
    "encyclopedia_article": "inreference", "film": "video", "television_broadcast": "video",
    "radio_broadcast": "audio", "statute": "legislation", "bill": "legislation",
    "case": "jurisdiction", "hearing": "jurisdiction", "personal_communication": "letter",
    "thesis_dissertation": "thesis", "dissertation": "thesis",
}
SUBTYPES = {"magazine_article": "magazine", "newspaper_article": "newspaper"}
# pandoc's CSL type for each biblatex type (src/Text/Pandoc/Citeproc/BibTeX.hs); misc
# and the types pandoc does not know have none (an empty type, as pandoc writes it).
CSL_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet",
    "bookinbook": "chapter", "collection": "book", "dataset": "dataset",
    "electronic": "webpage", "inbook": "chapter", "incollection": "chapter",
    "inreference": "entry-encyclopedia", "inproceedings": "paper-conference",
    "conference": "paper-conference", "manual": "book", "mastersthesis": "thesis",
    "mvbook": "book", "mvcollection": "book", "mvproceedings": "book", "mvreference": "book",
    "online": "webpage", "patent": "patent", "periodical": "article-journal",
    "phdthesis": "thesis", "proceedings": "book", "reference": "book", "report": "report",
    "software": "software", "suppbook": "chapter", "suppcollection": "chapter",
    "suppperiodical": "article-journal", "techreport": "report", "thesis": "thesis",
    "unpublished": "manuscript", "www": "webpage", "artwork": "graphic", "audio": "song",
    "commentary": "book", "image": "graphic", "jurisdiction": "legal_case",
    "legislation": "legislation", "legal": "treaty", "letter": "personal_communication",
    "movie": "motion_picture", "music": "song", "performance": "speech", "review": "review",
    "standard": "legislation", "video": "motion_picture", "data": "dataset",
    "letters": "personal_communication", "newsarticle": "article-newspaper",
}
# biblatex's editor roles (editortype & co.) as CSL name variables.
ROLES = {
    "editor": "editor", "compiler": "compiler", "director": "director",
    "producer": "producer", "organizer": "organizer", "translator": "translator",
    "chair": "chair", "curator": "curator", "host": "host", "illustrator": "illustrator",
    "narrator": "narrator", "performer": "performer", "composer": "composer",
    "interviewer": "interviewer", "founder": "contributor", "continuator": "contributor",
    "redactor": "contributor", "reviser": "contributor", "collaborator": "contributor",
    "series-editor": "collection-editor", "serieseditor": "collection-editor",
    "executive-producer": "executive-producer", "guest": "guest",
    # biblatex's roles CSL 1.0.2 has no variable for: contributors
    "annotator": "contributor", "commentator": "contributor", "introduction": "contributor",
    "foreword": "contributor", "afterword": "contributor",
    "editorial-director": "editorial-director", "script-writer": "script-writer",
}
# Name lists besides the author: field -> (its role field, the CSL variable without one).
NAME_FIELDS = {
    "editor": ("editortype", "editor"), "editora": ("editoratype", "contributor"),
    "editorb": ("editorbtype", "contributor"), "editorc": ("editorctype", "contributor"),
    "translator": (None, "translator"), "bookauthor": (None, "container-author"),
    "director": (None, "director"), "compiler": (None, "compiler"),
    "annotator": (None, "contributor"), "commentator": (None, "contributor"),
    "introduction": (None, "contributor"), "foreword": (None, "contributor"),
    "afterword": (None, "contributor"), "holder": (None, "holder"),
}
# CSL 1.0.2's variables: an item carries these and nothing else (the few the citation
# engine does not know, such as license or scale, are left out rather than warned about).
# A reader's abstract, private notes (annote: Mendeley's and Zotero's notes) and tags
# (keyword) are never printed, whatever a style asks: they are left out too.
CSL_NAMES = frozenset(["author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor", "curator", "director", "editor", "editorial-director", "editor-translator", "executive-producer", "guest", "host", "illustrator", "interviewer", "narrator", "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator", "translator"])
CSL_DATES = frozenset(["accessed", "available-date", "event-date", "issued", "original-date", "submitted"])
CSL_VARIABLES = frozenset(["archive", "archive_collection", "archive_location", "archive-place", "authority", "call-number", "chapter-number", "citation-key", "citation-label", "collection-number", "collection-title", "container-title", "container-title-short", "dimensions", "division", "DOI", "edition", "event", "event-title", "event-place", "genre", "ISBN", "ISSN", "issue", "jurisdiction", "language", "license", "medium", "note", "number", "number-of-pages", "number-of-volumes", "original-publisher", "original-publisher-place", "original-title", "page", "page-first", "part", "part-title", "PMCID", "PMID", "printing", "publisher", "publisher-place", "references", "reviewed-genre", "reviewed-title", "scale", "section", "source", "status", "supplement", "title", "title-short", "URL", "version", "volume", "volume-title", "volume-title-short"]
                          ) | CSL_NAMES | CSL_DATES | {"id", "type"}
# EndNote writes its own reference-type name into ``type`` (biblatex's genre field):
# "Journal Article" is not a genre a reader should see, so these are left out.
ENDNOTE_TYPES = frozenset("""aggregated database;ancient text;artwork;audiovisual material;bill;
blog;book;book section;case;catalog;chart or table;classical work;computer program;
conference paper;conference proceedings;dataset;dictionary;edited book;electronic article;
electronic book;electronic book section;encyclopedia;equation;figure;film or broadcast;generic;
government document;grant;hearing;interview;journal article;legal rule or regulation;
magazine article;manuscript;map;music;newspaper article;online database;online multimedia;
pamphlet;patent;personal communication;podcast;press release;serial;standard;statute;thesis;
unpublished work;web page""".replace("\n", "").split(";"))
# CSL 1.0.2's item types.
CSL_ITEM_TYPES = frozenset({"article", "article-journal", "article-magazine", "article-newspaper",
    "bill", "book", "broadcast", "chapter", "classic", "collection", "dataset", "document",
    "entry", "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage"})
# Crossref's type names (what doi.org and api.crossref.org write) as CSL types.
CROSSREF_TYPES = {
    "journal-article": "article-journal", "book-chapter": "chapter", "book-section": "chapter",
    "book-part": "chapter", "book-track": "chapter", "proceedings-article": "paper-conference",
    "posted-content": "article", "monograph": "book", "edited-book": "book",
    "reference-book": "book", "book-set": "book", "book-series": "book",
    "proceedings": "book", "proceedings-series": "book", "reference-entry": "entry-encyclopedia",
    "dissertation": "thesis", "report-component": "report", "report-series": "report",
    "peer-review": "review", "journal": "periodical", "journal-issue": "periodical",
    "journal-volume": "periodical", "database": "dataset", "component": "document",
    "grant": "document", "other": "document",
}
# Crossref's spellings of CSL variables.
CROSSREF_VARIABLES = {"short-container-title": "container-title-short",
                      "short-title": "title-short",
                      # Zotero's own names, which its CSL-JSON export writes as well
                      "journalAbbreviation": "container-title-short",
                      "shortTitle": "title-short"}
# What Web of Science and Scopus give as a record's document type when it only names the
# kind of entry (`Type = {Article}` on an @article): no genre for a style to print.
DATABASE_TYPES = frozenset({"article", "proceedings paper", "conference paper", "book chapter",
                            "article; early access", "article; proceedings paper",
                            "article; book chapter", "article; data paper", "early access"})
# The journal's ISO abbreviation as Web of Science (Journal-ISO) and Scopus write it.
SHORT_JOURNALS = frozenset({"journal-iso", "abbrev_source_title"})


def web_of_science(entry: Any) -> bool:
    """Whether ``entry`` is a Web of Science record, whose ``Address`` is the publisher's postal
    address (``2455 TELLER RD, THOUSAND OAKS, CA 91320 USA``), not a place of publication."""
    unique = entry.field("unique-id") or ""
    return unique.strip("{} ").upper().startswith(("WOS:", "ISI:"))
# The fields BibTeX-mode editors (Emacs, Kile, TeXstudio) put in their templates, as
# OPTvolume or ALTauthor until filled in.
TEMPLATE_FIELDS = frozenset({"author", "editor", "title", "journal", "journaltitle", "booktitle",
                             "year", "date", "volume", "number", "issue", "pages", "month",
                             "publisher", "address", "location", "series", "edition", "chapter",
                             "school", "institution", "organization", "howpublished", "note",
                             "doi", "url", "isbn", "issn", "type", "eprint"})
# An online article's number, which stands for its pages (PLOS ONE's e0248123): biblatex's
# eid, Web of Science's Article-Number, Scopus's art_number, ACM's articleno.
ARTICLE_NUMBERS = ("article-number", "art_number", "articleno", "eid")
