"""Server configuration for an exported site (export.py): nginx and Caddy (tested against Debian's packages).

The static server does what the app does for the common requests, and hands everything else to `mpsc serve`:
- content negotiation: the first media range of Accept that names an offered format picks it (the formats
  and their media types come from formats.py, in the order conneg.py prefers them); wildcards only, or no
  Accept, give the page. q-values are not weighed: a header that ranks its types by q against the order it
  lists them in may get the first-listed one here. An Accept naming nothing offered goes to the app (406).
- the language of pages: `?lang=de|en`, else the first of de and en that Accept-Language names (a regional tag
  for its language), else German;
- `/id/X` answers 303 to `/doc/X` (with the reader's `?lang=`) or `/doc/X.ttl` etc. when the document was
  exported; unknown resources, other query parameters, `/sparql`, `/healthz` and anything not exported
  go to the `mpsc serve` replicas, so a partial export is still a whole site;
- Vary (Accept, Accept-Language, Accept-Encoding), ETag and 304 (nginx's own validators, a variant's own:
  export.variant_offset), Cache-Control as the app sets it, CORS and the security headers of hooks.py, gzip from
  the files' gzip twins; a 502 no cache keeps when no replica answers.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..formats import CSV, CSVW_MEDIA_TYPE, GRAPH_FORMATS, GZIP_MEDIA_TYPE, HTML, textual
from .assets import immutable_keys
from .hooks import EXPOSED, FRAME_OPTIONS, NOSNIFF, REFERRER_POLICY
from .i18n import DEFAULT, LANGUAGES
from .links import DOCUMENT_FORMATS
from .responses import IMMUTABLE, MAX_AGE, RETRY_AFTER

# The file suffix of each format's variant (HTML's depends on the language too, see export.PAGE_VARIANTS).
TYPES = {**{fmt.media_type: fmt.extension for fmt in (*DOCUMENT_FORMATS, CSV)}, GZIP_MEDIA_TYPE: "gz",
         "text/css": "css", "application/javascript": "js", "image/svg+xml": "svg", "application/xml": "xml",
         "text/plain": "txt", "application/json": "json", "text/markdown": "md", "application/vnd.sqlite3": "sqlite"}
# Textual types get "; charset=utf-8" as formats.Format.content_type gives it (nginx adds text/html itself);
# release files as the app sends them (Werkzeug's send_file: text/* only, JSON and JSON-LD without).
CHARSET_TYPES = " ".join(t for t in TYPES if textual(t) and t != "text/html")
FILE_CHARSET_TYPES = " ".join(t for t in TYPES if t.startswith("text/") and t != "text/html")


def accept_rules() -> list[tuple[str, str]]:
    """(PCRE, format key) pairs for the Accept header, tried in order: the first listed offered type wins."""
    first, anywhere = [], []
    for fmt in DOCUMENT_FORMATS:
        for media_type in fmt.media_types:
            quoted = re.escape(media_type).replace("/", r"\/")
            first.append((rf"~*^\s*{quoted}\s*(;|,|$)", fmt.extension))
            anywhere.append((rf"~*,\s*{quoted}\s*(;|,|$)", fmt.extension))
    return [("", HTML.extension), *first, *anywhere, (r"~(^|,)\s*(\*|text|application)/\*", HTML.extension)]


def language_rules() -> list[tuple[str, str]]:
    """(PCRE, language) pairs for Accept-Language, tried in order, as i18n.accepted_language decides for headers
    that list their ranges by falling quality, as browsers send them: the language of the first range that names
    one of LANGUAGES, a regional tag (`de-DE`) counting for its language; none, German."""
    other = next(lang for lang in LANGUAGES if lang != DEFAULT)
    starts = r"{}(?:[-;,\s]|$)"
    return [(rf"~*^(?:(?!\s*{starts.format(DEFAULT)})[^,]*,)*\s*{starts.format(other)}", other)]


UNREACHABLE = "The application server behind this site did not answer. Please try again shortly."


def internal_names() -> str:
    """The regular expression (PCRE and RE2) of the paths that name an exported page's file of one language
    (`index.de.html`, `2019.lang-en.html`: export.PAGE_VARIANTS), which the static servers answer only under the
    page's own URL: asked for by name, the German file went out as English (`Content-Language` by Accept-Language)
    and a release's listing for a year (a cache-poisoning review)."""
    return rf"\.(?:lang-)?(?:{'|'.join(LANGUAGES)})\.html(?:\.gz)?$"


def _map_lines(rules: list[tuple[str, str]]) -> str:
    return "\n".join(f'    "{pattern}" "{value}";' for pattern, value in rules)


UNQUOTABLE = set('"\\${}')  # what a path in nginx's and Caddy's configuration cannot hold as itself


def quoted(text: str) -> str:
    """`text` as a double-quoted string of nginx's and Caddy's configuration; ValueError for a text with a character
    either reads otherwise inside quotes (nginx a variable in `$`, Caddy a placeholder in `{}`, and each its own
    escapes)."""
    if UNQUOTABLE & set(text):
        raise ValueError(f"{text!r} holds one of {' '.join(sorted(UNQUOTABLE))}, which nginx or Caddy would read "
                         "otherwise")
    return f'"{text}"'


def nginx_site(base: str, listen: str, upstreams: tuple[str, ...], version: str, csp: str, *, root: str,
               request_bytes: int) -> str:
    """The http-level configuration of the exported site (maps, upstream, server), for `include`; `csp` is
    the app's Content-Security-Policy for pages (hooks.content_security_policy), `root` the absolute path of the
    site's files, `request_bytes` the largest request body the app takes (config.Settings.request_bytes).

    Everything but the maps, the upstream, the maps' bucket size and the request line's buffers is set in the
    server block: included into an existing nginx (Debian's nginx.conf sets `default_type` and includes
    mime.types), http-level settings were a duplicate nginx refused, and would have changed the other sites (an
    operator's review). So is `root` absolute: relative, it named a folder under nginx's prefix, and every request
    went to the app unseen."""
    servers = "\n".join(f"    server {u};" for u in upstreams)
    see_other = [("html", f"{base}doc/$mpsc_id$mpsc_lang_query")] + [
        (f.extension, f"{base}doc/$mpsc_id.{f.extension}") for f in GRAPH_FORMATS]
    types = "\n".join(f"        {t} {ext};" for t, ext in TYPES.items())
    body_buffer = f"{-(-request_bytes // 1024)}k"
    return f"""# Generated by `mpsc export-site` (server/web/static_config.py) for the release {version}.
# The keys of $mpsc_static_cache (a path and its version) are longer than the default bucket holds.
map_hash_bucket_size 128;
# A permalink carries its query in the URL (up to granian's 65,534 bytes); nginx's default line buffer is 8 KB. Here,
# not in the server: nginx reads a request line before it knows its server, with the default server's buffers.
large_client_header_buffers 4 64k;

upstream mpsc {{
{servers}
    keepalive 16;
}}

# The format Accept asks for (empty: nothing offered, the app answers 406).
map $http_accept $mpsc_format {{
    default "";
{_map_lines(accept_rules())}
}}
# The language of a page by Accept-Language (i18n.py), else German.
map $http_accept_language $mpsc_accept_lang {{
    default {DEFAULT};
{_map_lines(language_rules())}
}}
# ?lang= chosen by the reader: another page, whose links keep the choice.
map $arg_lang $mpsc_lang {{
    default $mpsc_accept_lang;
{_map_lines([(lang, f"lang-{lang}") for lang in LANGUAGES])}
}}
map $arg_lang $mpsc_lang_query {{
    default "";
{_map_lines([(lang, f"?lang={lang}") for lang in LANGUAGES])}
}}
# The Host the app is asked with: the client's, else (HTTP/1.0 needs none, the app's HTTP/1.1 does) the base's.
map $http_host $mpsc_host {{
    default $http_host;
    "" "{urlsplit(base).netloc or 'localhost'}";
}}
# Only bare URLs and ?lang= are exported; any other query goes to the app.
map $args $mpsc_exported_args {{
    default 0;
    "" 1;
{_map_lines([(f"lang={lang}", "1") for lang in LANGUAGES])}
}}
map $mpsc_format $mpsc_variant {{
    default "";
    html .$mpsc_lang.html;
{_map_lines([(f.extension, f".{f.extension}") for f in GRAPH_FORMATS])}
}}
map $mpsc_format $mpsc_see_other {{
    default "";
{_map_lines(see_other)}
}}
# A path ending in / is stored as …/index.
map $uri $mpsc_stem {{
    default $uri;
    "~^(?<mpsc_folder>.*)/$" $mpsc_folder/index;
}}
# The listing of a release's files, for a path ending in / only (…/index had been answered from it, for a year).
map $uri $mpsc_listing {{
    default $uri;
    "~/$" $mpsc_stem.$mpsc_lang.html;
}}
map $sent_http_content_type $mpsc_html_only {{
    default "";
    "~^text/html" 1;
}}
map $mpsc_html_only $mpsc_csp {{
    default "";
    1 "{csp}";
}}
# A page's language, on the page (not on a 303, whose language Vary does not name).
map "$status $mpsc_html_only" $mpsc_content_language {{
    default "";
    "200 1" $mpsc_page_lang;
    "206 1" $mpsc_page_lang;
}}
map $mpsc_lang $mpsc_page_lang {{
    default $mpsc_lang;
{_map_lines([(f"lang-{lang}", lang) for lang in LANGUAGES])}
}}
# Release files: immutable under their version, a listing (a path ending in /) by the reader's language.
map $uri $mpsc_file_cache {{
    default "public, max-age={MAX_AGE}";
    "~^/dumps/{version}/." "{IMMUTABLE}";
}}
# Static assets: immutable under the version pages name them by, and chunks named by their content (assets.py).
map "$uri?$arg_v" $mpsc_static_cache {{
    default no-cache;
    "~-[0-9A-Z]{{8}}\\.js\\?" "{IMMUTABLE}";
{_map_lines([(key, IMMUTABLE) for key in immutable_keys()])}
}}
map $uri $mpsc_file_vary {{
    default "";
    "~/$" Accept-Language;
}}
map $mpsc_html_only $mpsc_frame_options {{
    default "";
    1 {FRAME_OPTIONS};
}}
map $mpsc_html_only $mpsc_referrer_policy {{
    default "";
    1 {REFERRER_POLICY};
}}

server {{
    listen {listen};
    root {quoted(root)};
    types {{
{types}
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types {CHARSET_TYPES};
    server_tokens off;
    # A query sent by POST (up to the app's request size) is held in memory, not written to a temporary file, and
    # reaches the app, whose 413 names its limit.
    client_body_buffer_size {body_buffer};
    client_max_body_size {body_buffer};
    gzip_static on;
    gzip_vary on;
    # The validators are a file's time and size (ETag, Last-Modified); the variants of a URL differ in time
    # (export.variant_offset). "Modified since" another variant's date must not be a 304 for this one.
    if_modified_since exact;
    # A request refused before the server's variables are set (414) would log each one as uninitialised.
    uninitialized_variable_warn off;
    error_page 418 = @mpsc;
    recursive_error_pages on;  # from there, @mpsc_unreachable when no replica answers
    set $mpsc_none "";
    set $mpsc_vary "";
    # CORS preflights (and any OPTIONS) are the app's to answer: nginx refused them with 405 (an operator's review).
    if ($request_method = OPTIONS) {{ return 418; }}
    set $mpsc_cache "public, max-age={MAX_AGE}";
    add_header Vary $mpsc_vary always;
    add_header Cache-Control $mpsc_cache;
    add_header Access-Control-Allow-Origin "*" always;
    add_header Access-Control-Expose-Headers "{EXPOSED}" always;
    add_header X-Content-Type-Options {NOSNIFF} always;
    add_header Content-Language $mpsc_content_language;
    add_header Content-Security-Policy $mpsc_csp always;
    add_header X-Frame-Options $mpsc_frame_options always;
    add_header Referrer-Policy $mpsc_referrer_policy always;

    # The app's answers keep their own headers: an add_header here (with an empty value, so never sent) stops
    # the server-level ones from being added a second time; Server: mpsc tells them from static files.
    location @mpsc {{
        add_header X-Mpsc-None $mpsc_none;
        error_page 502 504 = @mpsc_unreachable;
        proxy_pass_header Server;
        proxy_pass http://mpsc;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $mpsc_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
    # No replica answered: an error no cache keeps (a CDN's own error TTL would serve the outage to everyone).
    location @mpsc_unreachable {{
        add_header Cache-Control no-store always;
        add_header Retry-After {RETRY_AFTER} always;
        add_header Access-Control-Allow-Origin "*" always;
        add_header Access-Control-Expose-Headers "{EXPOSED}" always;
        add_header X-Content-Type-Options {NOSNIFF} always;
        default_type text/plain;
        return 502 "{UNREACHABLE}\n";
    }}
    location = /sparql {{
        return 418;
    }}
    # The files' own names for a page's languages are no URLs of the site: the app answers them (404).
    location ~ "{internal_names()}" {{
        return 418;
    }}
    # 303 from a resource to its document, when the document was exported.
    location ~ "^/id/(?<mpsc_id>.+)$" {{
        if ($mpsc_exported_args = 0) {{ return 418; }}
        if ($mpsc_see_other = "") {{ return 418; }}
        if (!-f $document_root/doc/$mpsc_id.nt) {{ return 418; }}
        set $mpsc_vary Accept;
        return 303 $mpsc_see_other;
    }}
    # A document in the format its suffix names.
    location ~ "^/(doc/.+|ontology|catalog)\\.(ttl|jsonld|rdf|nt)$" {{
        if ($mpsc_exported_args = 0) {{ return 418; }}
        try_files $uri @mpsc;
    }}
    location /static/ {{
        set $mpsc_cache $mpsc_static_cache;
        try_files $uri @mpsc;
    }}
    # The release's files and their listings, with the media types dumps.py sends where no suffix tells them.
    location ~ "^/(?:dumps|exports)/(?:{version}/)?[^/]*-metadata\\.json$" {{
        types {{ {CSVW_MEDIA_TYPE} json; }}
        charset_types {FILE_CHARSET_TYPES};
        set $mpsc_cache $mpsc_file_cache;
        if ($mpsc_exported_args = 0) {{ return 418; }}
        try_files $uri @mpsc;
    }}
    location ~ "^/dumps/(?:{version}/)?SHA256SUMS$" {{
        default_type text/plain;
        charset_types {FILE_CHARSET_TYPES};
        set $mpsc_cache $mpsc_file_cache;
        if ($mpsc_exported_args = 0) {{ return 418; }}
        try_files $uri @mpsc;
    }}
    location ~ "^/(?:dumps|exports)/" {{
        charset_types {FILE_CHARSET_TYPES};
        set $mpsc_cache $mpsc_file_cache;
        set $mpsc_vary $mpsc_file_vary;
        if ($mpsc_exported_args = 0) {{ return 418; }}
        try_files $uri $mpsc_listing @mpsc;
    }}
    # Pages and negotiated documents: the file of the negotiated format and language.
    location / {{
        if ($mpsc_exported_args = 0) {{ return 418; }}
        if ($mpsc_variant = "") {{ return 418; }}
        set $mpsc_vary "Accept, Accept-Language";
        try_files $uri $mpsc_stem$mpsc_variant @mpsc;
    }}
}}
"""


NGINX_SITE = "site.conf"  # the site's configuration beside nginx.conf, which includes it (export.write_configs)


def nginx_main() -> str:
    """A whole nginx.conf around the site's configuration, runnable as a non-root user:
    `nginx -p EXPORT_DIR -c nginx/nginx.conf` (paths are relative to the prefix -p)."""
    return f"""# Generated by `mpsc export-site`. Run: nginx -p EXPORT_DIR -c nginx/nginx.conf
worker_processes auto;
pid nginx/nginx.pid;
error_log nginx/error.log warn;
events {{
    worker_connections 4096;
}}
http {{
    access_log nginx/access.log;
    client_body_temp_path nginx/tmp/body;
    proxy_temp_path nginx/tmp/proxy;
    fastcgi_temp_path nginx/tmp/fastcgi;
    uwsgi_temp_path nginx/tmp/uwsgi;
    scgi_temp_path nginx/tmp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    include {NGINX_SITE};
}}
"""


def caddyfile(base: str, listen: str, upstreams: tuple[str, ...], version: str, csp: str, *, root: str) -> str:
    """The same site for Caddy 2 (tested against Debian's caddy 2.6), from the same rules as nginx's.

    Each `handle` takes requests no other one takes (the app's requests are named once, `@app`), so Caddy's own
    order of handles does not matter; within one, a `route` runs its lines in the order written (a file is found,
    the request rewritten to it, then its headers set). Caddy's regular expressions (RE2) have no lookahead:
    Accept-Language's first range that names a language is captured (the repetition before it is lazy) and then
    named in lower case."""
    # any Host is served, as by nginx (a site address would match one); `listen` as nginx reads it: a port, or host:port
    host, _, port = listen.rpartition(":") if ":" in listen or listen.isdigit() else (listen, ":", "80")
    exported = "".join(f' && {{query}} != "lang={lang}"' for lang in LANGUAGES)
    values = {
        "VERSION": version, "PORT": port, "ROOT": quoted(root), "BIND": f"\n    bind {host.strip('[]')}" if host else "",
        "ACCEPT": _lines([(f"~(?i){pattern[2:]}", value) for pattern, value in accept_rules() if pattern.startswith("~*")]
                         + [("~" + accept_rules()[-1][0][1:], HTML.extension)]),
        "FIRST_LANGUAGE": caddy_language_rule(), "DEFAULT": DEFAULT,
        "LANGUAGES": _lines([(f"~(?i)^{lang}$", lang) for lang in LANGUAGES]),
        "CHOSEN": _lines([(lang, f"lang-{lang} ?lang={lang}") for lang in LANGUAGES]),
        "PAGE_LANG": _lines([(f"lang-{lang}", lang) for lang in LANGUAGES]),
        "VARIANTS": _lines([(f.extension, f".{f.extension} .{f.extension}") for f in GRAPH_FORMATS]),
        "HOST": urlsplit(base).netloc or "localhost", "BASE": base,
        "IMMUTABLE": IMMUTABLE, "MAX_AGE": str(MAX_AGE),
        "ASSETS": _lines([(key, f'"{IMMUTABLE}"') for key in immutable_keys()]),
        "APP": f'{{method}} == "OPTIONS" || {{path}} == "/sparql" || '
               f'({{query}} != ""{exported} && !{{path}}.startsWith("/static/"))',
        "PROXY": "reverse_proxy " + " ".join(upstreams) + " {\n            header_up Host {mpsc_host}\n        }",
        "EXPOSED": EXPOSED, "NOSNIFF": NOSNIFF,
        # A page's language, and the security headers hooks.py sends on pages (those of the app's answers stay).
        "HTML_HEADERS": "\n".join(["            header @type_html {", "                Content-Language {mpsc_page_lang}",
                                   f'                ?Content-Security-Policy "{csp}"',
                                   f"                ?X-Frame-Options {FRAME_OPTIONS}",
                                   f"                ?Referrer-Policy {REFERRER_POLICY}", "            }"]),
        "TYPES": _types(CHARSET_TYPES), "FILE_TYPES": _types(FILE_CHARSET_TYPES), "CSVW": CSVW_MEDIA_TYPE,
        "INTERNAL": internal_names(), "RETRY_AFTER": str(RETRY_AFTER), "UNREACHABLE": UNREACHABLE,
        # Caddy answers "modified since" by date order (nginx: if_modified_since exact), and the variants of a URL
        # differ in time (export.variant_offset): the date of another variant is not asked, only ETags.
        "EXACT": "request_header -If-Modified-Since",
    }
    return re.sub(r"@@(\w+)@@", lambda found: values[found.group(1)], CADDYFILE)


def caddy_language_rule() -> str:
    """The regular expression (RE2, as Python's `re` reads it too) whose group 1 is the first language of
    LANGUAGES that Accept-Language names: what `language_rules` decides with a lookahead, which RE2 lacks."""
    return rf"(?i)^(?:[^,]*,)*?\s*({'|'.join(LANGUAGES)})(?:[-;,\s]|$)"


def _lines(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f"        {key} {value}" for key, value in pairs)


def _types(charset_types: str) -> str:
    """Content-Type of a static file by its suffix (TYPES), as nginx's `types` and `charset_types` give it."""
    charset = set(charset_types.split()) | {"text/html"}
    lines = []
    for media_type, extension in TYPES.items():
        value = f"{media_type}; charset=utf-8" if media_type in charset else media_type
        lines += [f"@type_{extension} path *.{extension}", f'header @type_{extension} Content-Type "{value}"']
    return "\n".join(f"            {line}" for line in lines)


# The Caddyfile (`caddyfile` fills in @@NAME@@): the nginx site above, location by location.
CADDYFILE = """# Generated by `mpsc export-site` (server/web/static_config.py) for the release @@VERSION@@.
# Run: caddy run --config Caddyfile --adapter caddyfile (from the export folder)
{
    # Configured from this file alone: a new export is a new folder and a new start.
    admin off
}

http://:@@PORT@@ {@@BIND@@
    root * @@ROOT@@
    # The format Accept asks for (empty: nothing offered, the app answers 406).
    map {header.Accept} {mpsc_format} {
        "" html
@@ACCEPT@@
        default ""
    }
    # The language of a page by Accept-Language (i18n.py), else German; ?lang= chosen by the reader.
    map {header.Accept-Language} {mpsc_first_lang} {
        ~@@FIRST_LANGUAGE@@ "${1}"
        default ""
    }
    map {mpsc_first_lang} {mpsc_accept_lang} {
@@LANGUAGES@@
        default @@DEFAULT@@
    }
    map {query.lang} {mpsc_lang} {mpsc_lang_query} {
@@CHOSEN@@
        default {mpsc_accept_lang} ""
    }
    map {mpsc_lang} {mpsc_page_lang} {
@@PAGE_LANG@@
        default {mpsc_lang}
    }
    map {mpsc_format} {mpsc_variant} {mpsc_see_other} {
        html .{mpsc_lang}.html {mpsc_lang_query}
@@VARIANTS@@
        default "" ""
    }
    # The Host the app is asked with: the client's, else (HTTP/1.0 needs none, the app's HTTP/1.1 does) the base's.
    map {http.request.host} {mpsc_host} {
        "" "@@HOST@@"
        default {http.request.hostport}
    }
    # Static assets: immutable under the version pages name them by, and chunks named by their content (assets.py).
    map "{path}?{query.v}" {mpsc_static_cache} {
        "~-[0-9A-Z]{8}\\.js\\?" "@@IMMUTABLE@@"
@@ASSETS@@
        default no-cache
    }
    # Release files: immutable under their version.
    map {path} {mpsc_file_cache} {
        ~^/dumps/@@VERSION@@/. "@@IMMUTABLE@@"
        default "public, max-age=@@MAX_AGE@@"
    }
    # Ours on every answer; the app's answers keep the app's (? sets a header only where none is).
    header {
        ?Access-Control-Allow-Origin *
        ?Access-Control-Expose-Headers "@@EXPOSED@@"
        ?X-Content-Type-Options @@NOSNIFF@@
    }

    # The app's: CORS preflights (and any OPTIONS), the endpoint, and any query but ?lang= (only those were
    # exported).
    @app expression `@@APP@@`
    handle @app {
        @@PROXY@@
    }
    # The files' own names for a page's languages are no URLs of the site: the app answers them (404).
    @internal path_regexp @@INTERNAL@@
    handle @internal {
        @@PROXY@@
    }
    # 303 from a resource to its document, when the document was exported.
    @id {
        path_regexp id ^/id/(.+)$
        not expression `@@APP@@`
    }
    handle @id {
        @see_other {
            expression `{mpsc_format} != ""`
            file /doc/{re.id.1}.nt
        }
        header @see_other Vary Accept
        header @see_other Cache-Control "public, max-age=@@MAX_AGE@@"
        redir @see_other @@BASE@@doc/{re.id.1}{mpsc_see_other} 303
        @@PROXY@@
    }
    @static {
        path /static/*
        not method OPTIONS
    }
    handle @static {
        @asset file
        route @asset {
            header Cache-Control {mpsc_static_cache}
@@TYPES@@
            file_server
        }
        @@PROXY@@
    }
    # A document in the format its suffix names.
    @suffixed {
        path_regexp ^/(doc/.+|ontology|catalog)\\.(ttl|jsonld|rdf|nt)$
        not expression `@@APP@@`
    }
    handle @suffixed {
        @document file
        route @document {
            @@EXACT@@
            header Cache-Control "public, max-age=@@MAX_AGE@@"
@@TYPES@@
            file_server {
                precompressed gzip
            }
        }
        @@PROXY@@
    }
    # The release's files and their listings, with the media types dumps.py sends where no suffix tells them.
    @files {
        path /dumps/* /exports/*
        not expression `@@APP@@`
    }
    handle @files {
        @listing path */
        @file file {path} {path}index.{mpsc_lang}.html
        route @file {
            @@EXACT@@
            header Cache-Control {mpsc_file_cache}
            header @listing Vary Accept-Language
            rewrite {file_match.relative}
@@FILE_TYPES@@
            @csvw path *-metadata.json
            header @csvw Content-Type @@CSVW@@
            @sums path */SHA256SUMS
            header @sums Content-Type "text/plain; charset=utf-8"
@@HTML_HEADERS@@
            file_server {
                precompressed gzip
            }
        }
        @@PROXY@@
    }
    # No replica answered: an error no cache keeps (a CDN's own error TTL would serve the outage to everyone).
    handle_errors {
        @unreachable expression `{err.status_code} in [502, 504]`
        handle @unreachable {
            header Cache-Control no-store
            header Retry-After @@RETRY_AFTER@@
            header Access-Control-Allow-Origin *
            header Access-Control-Expose-Headers "@@EXPOSED@@"
            header X-Content-Type-Options @@NOSNIFF@@
            respond "@@UNREACHABLE@@" 502
        }
    }
    # Pages and negotiated documents: the file of the negotiated format and language.
    handle {
        @page {
            expression `{mpsc_variant} != ""`
            file {path} {path}index{mpsc_variant} {path}{mpsc_variant}
        }
        route @page {
            @@EXACT@@
            header Vary "Accept, Accept-Language"
            header Cache-Control "public, max-age=@@MAX_AGE@@"
            rewrite {file_match.relative}
@@TYPES@@
@@HTML_HEADERS@@
            file_server {
                precompressed gzip
            }
        }
        @@PROXY@@
    }
}
"""
