"""News for the instruments a household holds, read from RSS 2.0, RSS 1.0 (RDF) and Atom feeds. The first four modules
are pure (no database, no settings); ``services/news.py`` stores what they find, ``workers/news.py`` runs them every
hour, and ``graphql`` serves the stories (``Instrument.news``, ``Portfolio.news``).

- ``feeds``: which feeds to read. ``PORTFOLIO_NEWS_FEEDS`` (comma-separated URL templates) is parsed by
  ``parse_feed_config``; ``urls_for`` expands the templates for the held instruments (``HeldInstrument``).
- ``fetch``: ``fetch_feed``, one conditional GET (ETag / Last-Modified) with a size cap, parsed by feedparser from the
  bytes it was given; every failure is a ``FeedError``.
- ``items``: ``NewsItem``, the plain-text shape of one story; ``normalise_entries`` builds them from a parsed feed,
  ``match_instruments`` links a story to instruments it mentions, ``dedupe`` merges one story seen in several feeds.
- ``collect``: ``gather_news`` ties the three together for one round of fetching.
- ``graphql``: the ``NewsItem`` type and its paginated resolvers, newest first.

The public names live in those modules (each has its ``__all__``); import them from there.
"""
