"""Every word a person reads: gettext catalogs and responses rendered from them.
Shared by the action server, the web page and the build."""
