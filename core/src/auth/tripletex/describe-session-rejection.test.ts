import { describe, expect, it } from 'vitest';
import { describeSessionRejection, suspectSecrets } from './describe-session-rejection.js';

const body = (message: string) => JSON.stringify({ status: 403, code: 9000, message, developerMessage: null, validationMessages: null });

describe('describeSessionRejection', () => {
  it('names both secrets in its hint when Tripletex does not say which token is wrong (issue 6)', () => {
    const error = describeSessionRejection(403, body('Invalid consumer token or employee token'), 'tripletex', ['c', 'e']);
    expect(error.providerError).toBe('9000');
    expect(error.hint).toBe(
      'Check consumer_key and employee_token: replace a wrong one with "connectors secrets set tripletex consumer_key" or "connectors secrets set tripletex employee_token".',
    );
  });

  it('names only the secret the message points at', () => {
    expect(describeSessionRejection(403, body('Invalid employee token'), 'tt', []).hint).toBe(
      'Check employee_token: replace a wrong one with "connectors secrets set tt employee_token".',
    );
    expect(suspectSecrets('Consumer token expired')).toEqual(['consumer_key']);
  });

  it('masks echoed secret values and points at session_days for a refused expirationDate', () => {
    const text = JSON.stringify({ status: 422, code: 15000, message: 'Validering feilet.', validationMessages: [{ field: 'expirationDate', message: 'Ugyldig dato for s3cr3t-token' }] });
    const error = describeSessionRejection(422, text, 'tripletex', ['s3cr3t-token']);
    expect(error.message).not.toContain('s3cr3t-token');
    expect(error.message).toContain('***');
    expect(error.hint).toContain('auth.session_days');
  });
});
