// One counter action sent to the server, or kept for later when there is no network (loyalty-queue.js).
import { newIdempotencyKey } from '../../loyalty-queue.js';
import { formatPoints } from '../loyalty/points.js';

/**
 * Posts `body` to `path` with a fresh Idempotency-Key. Resolves { answer } once the server took it, or
 * { queued: item } when the network is missing (the queue sends it later with the same key); other refusals
 * reject with the server's ApiError.
 */
export async function sendOrQueue({ api, queue, userId, shopId, kind, path, body, label }) {
  const key = newIdempotencyKey();
  try {
    const answer = await api.authed(path, {
      method: 'POST',
      body,
      headers: { 'Idempotency-Key': key },
    });
    return { answer };
  } catch (error) {
    if (!error.isNetworkError) throw error;
    const item = await queue.add({ key, kind, path, body: body ?? null, label, shopId, userId });
    return { queued: item };
  }
}

/** What the counter says once the server took an action: « 23 points donnés », « Opération annulée… ». */
export function doneText(kind, answer) {
  if (kind === 'earn') return `${formatPoints(answer.points)} donné${Math.abs(answer.points) >= 2 ? 's' : ''}`;
  if (kind === 'redeem') return `Récompense remise : ${formatPoints(-answer.points)} utilisé${-answer.points >= 2 ? 's' : ''}`;
  if (kind === 'reverse') {
    const what =
      answer.points < 0
        ? `${formatPoints(-answer.points)} retiré${-answer.points >= 2 ? 's' : ''} au client`
        : `${formatPoints(answer.points)} rendu${answer.points >= 2 ? 's' : ''} au client`;
    const negative = answer.leaves_negative_balance
      ? ' Le client avait déjà utilisé ces points : son solde devient négatif.'
      : '';
    return `Opération annulée : ${what}.${negative}`;
  }
  return 'Opération enregistrée.';
}

/** Why a queued action was refused, and what to do: a member code lives two minutes only. */
export function refusedText(item) {
  const advice = String(item.type ?? '').endsWith('invalid-member-code')
    ? ' Un code client ne vaut que deux minutes : une opération restée plus longtemps en attente est à refaire.'
    : '';
  return `Refusé : ${item.detail ?? 'le serveur n’a pas accepté l’opération.'}${advice}`;
}
