/**
 * The pseudonymous Person id that every subgraph derives by itself from a
 * personnummer: HMAC-SHA256 over the normalised number with a secret that
 * the subgraphs share. Query plans carry only this id; the number itself
 * never leaves the subgraph that holds it.
 */
import { createHmac } from 'node:crypto';

export function pseudonymFor(secret: string, normalisedNumber: string): string {
  return `p_${createHmac('sha256', secret).update(normalisedNumber, 'utf8').digest('base64url')}`;
}

export function isPseudonym(id: string): boolean {
  return /^p_[A-Za-z0-9_-]{43}$/.test(id);
}
