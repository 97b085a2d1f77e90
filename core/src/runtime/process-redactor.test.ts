import { describe, expect, it } from 'vitest';
import { addCommandLinePasswords, redactText } from './process-redactor.js';

describe('addCommandLinePasswords', () => {
  it('redacts the password of every URL with credentials on the command line, as given and decoded', () => {
    addCommandLinePasswords(['store', 'copy', '--to=postgres://app:pw%2Fcl1_Xy@db.example/app', 'postgresql://u:second-pw-77@h:5432/d?x=1']);
    const printed = redactText('Unknown command `store copy postgres //app pw%2Fcl1_Xy@db.example/app`, pw/cl1_Xy and second-pw-77.');
    expect(printed).not.toContain('pw%2Fcl1_Xy');
    expect(printed).not.toContain('pw/cl1_Xy');
    expect(printed).not.toContain('second-pw-77');
    expect(printed).toContain('db.example/app'); // the rest of the URL is not a secret
  });

  it('leaves arguments without a URL password alone', () => {
    addCommandLinePasswords(['run', 'acme', '--to', 'postgres://nopassword@db.example/app', 'https://example.com/a:b@c']);
    expect(redactText('postgres://nopassword@db.example/app')).toBe('postgres://nopassword@db.example/app');
  });
});
