/**
 * Offers `blob` as a download named `name`: the browser saves it, Electron asks where. The one way every export
 * (log, rules, presets, charts, workspace) leaves the page.
 */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // A save dialog (Electron's) may still be reading the URL a while after the click; a minute later nothing is.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
