// Bootstrap Italia loads its fonts from this path; set before its bundle runs, without an
// inline script, so the Content-Security-Policy can forbid them.
window.__PUBLIC_PATH__ = "/static/fonts/";
