import { describe, expect, it } from 'vitest';
import { secretEnvName, secretEnvPattern } from './env-name.js';

describe('secretEnvName', () => {
  it('upper-cases connector and secret', () => {
    expect(secretEnvName('tripletex', 'employee_token')).toBe('CONNECTORS_SECRET_TRIPLETEX_EMPLOYEE_TOKEN');
  });

  it('turns every character outside A-Z0-9 into an underscore', () => {
    expect(secretEnvName('superoffice', 'SO-Apptoken')).toBe('CONNECTORS_SECRET_SUPEROFFICE_SO_APPTOKEN');
    expect(secretEnvName('my-api.v2', 'key ø')).toBe('CONNECTORS_SECRET_MY_API_V2_KEY__');
  });
});

describe('secretEnvPattern', () => {
  it('keeps the <CONNECTOR> placeholder and transforms the secret name alone', () => {
    expect(secretEnvPattern('SO-Apptoken')).toBe('CONNECTORS_SECRET_<CONNECTOR>_SO_APPTOKEN');
  });
});
