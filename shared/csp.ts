// The production Content-Security-Policy, one string for every face that serves the renderer:
// Electron sends it as a header from main, the browser bridge as an HTTP header (frame-ancestors
// only works as a header, never in a <meta> tag). No 'unsafe-inline' or 'unsafe-eval' anywhere:
// React needs neither, and received bytes are shown as text, never as markup.
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
