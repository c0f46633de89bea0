// Files the API gives only to the signed-in person (a statement, one's own data): a plain link would not send
// the token, so the file is fetched with it, then handed to the browser as a download.
import { API_BASE, networkError, problemToError } from '../api.js';

/** The file name of a Content-Disposition header (RFC 6266; `filename*` first), or null. */
export function filenameFromDisposition(header) {
  if (!header) return null;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      return safeName(decodeURIComponent(extended[2].trim().replace(/^"|"$/g, '')));
    } catch {
      // An undecodable name: the plain one, if any, will do.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  if (!plain) return null;
  return safeName((plain[1] ?? plain[2]).replace(/\\(.)/g, '$1').trim());
}

/** No folders in a name a server suggests. */
function safeName(name) {
  const base = name.split(/[/\\]/).at(-1)?.trim();
  return base || null;
}

function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file by the next turn; the memory can go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * GET `path` (an API path) with the person's token and save the answer as a file named as the server says
 * (else `fallbackName`). Resolves the name; rejects with an ApiError the screen can show.
 */
export async function downloadWithToken(auth, path, { fallbackName, fetchImpl = (...a) => fetch(...a) }) {
  const attempt = async (token) => {
    try {
      return await fetchImpl(API_BASE + path, { headers: { Authorization: `Bearer ${token}` } });
    } catch {
      throw networkError();
    }
  };
  const token = await auth.getAccessToken();
  let response = await attempt(token);
  if (response.status === 401) response = await attempt(await auth.renewAfterUnauthorized(token));
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    let problem = null;
    try {
      problem = JSON.parse(text);
    } catch {
      // Not a problem document: the status alone says what happened.
    }
    throw problemToError(response.status, problem, { retryAfter: response.headers.get('Retry-After') });
  }
  const blob = await response.blob();
  const name = filenameFromDisposition(response.headers.get('Content-Disposition')) ?? fallbackName;
  saveBlob(blob, name);
  return name;
}
