"""The runtime's features that act on the browser rather than on the page's tree: cookies,
the URL's query, theme and viewport, the document title, navigation and commands (scroll,
focus, open a URL). Each reaches the browser through the event's ``BrowserContext``."""
